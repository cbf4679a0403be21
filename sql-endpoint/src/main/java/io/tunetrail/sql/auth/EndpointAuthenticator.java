package io.tunetrail.sql.auth;

import java.util.concurrent.atomic.AtomicReference;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2's {@code CUSTOM} authentication provider of the SQL endpoint
 * ({@code hive.server2.custom.authentication.class}). HiveServer2 makes one by class name, so it delegates to the
 * {@link Logins} the running server installed; without one every login is refused.
 */
public final class EndpointAuthenticator implements PasswdAuthenticationProvider {
    private static final AtomicReference<Logins> LOGINS = new AtomicReference<>();

    /** Checks a login and remembers its account for the sessions it opens. */
    public interface Logins {
        void authenticate(String user, String password) throws AuthenticationException;
    }

    public static void install(Logins logins) {
        LOGINS.set(logins);
    }

    public static void uninstall(Logins logins) {
        LOGINS.compareAndSet(logins, null);
    }

    @Override
    public void Authenticate(String user, String password) throws AuthenticationException {
        Logins logins = LOGINS.get();
        if (logins == null) {
            throw new AuthenticationException("the SQL endpoint is not ready to check logins");
        }
        logins.authenticate(user, password);
    }
}
