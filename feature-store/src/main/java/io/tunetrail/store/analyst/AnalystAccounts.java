package io.tunetrail.store.analyst;

import io.tunetrail.store.ApiKeyHash;
import io.tunetrail.store.StoreException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Who may log in to the SQL endpoint, and as what: analyst accounts ({@code analyst_accounts}, V61) and, for
 * enterprise orgs, their API keys that carry the {@code bi} scope (user name: the key id; password: the key).
 *
 * <p>An analyst account without an org reads every table; every other login is bound to one org. Kept here, beside
 * the keys' hash ({@link ApiKeyHash}), so the CLI that creates accounts and the endpoint that checks them share it.
 */
public final class AnalystAccounts {
    /** The API key scope that lets an enterprise org's key log in to the SQL endpoint (the API ignores it). */
    public static final String BI_SCOPE = "bi";
    /** The plan whose orgs may log in with their own API keys. */
    public static final String BI_KEY_PLAN = "enterprise";
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9._-]{1,63}$");

    /** A login that passed: its name, the org it is bound to (null: every org), and whether it is an API key. */
    public record Account(String login, String orgId, boolean apiKey) {
        public boolean orgBound() {
            return orgId != null;
        }
    }

    /** An account just created: the only time its password exists outside the caller. */
    public record Created(String name, String orgId, String password) {}

    /** Why a login was refused, in words fit for the person who tried (never whether the name exists). */
    public static final class LoginRefused extends Exception {
        private static final long serialVersionUID = 1L;
        private final String detail;

        LoginRefused(String message, String detail) {
            super(message);
            this.detail = detail;
        }

        /** What the server log may say beyond the message (which check failed). */
        public String detail() {
            return detail;
        }
    }

    private final DataSource db;
    private final Clock clock;

    public AnalystAccounts(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates an account with a generated password; {@code orgId} null makes an unrestricted one. */
    public Created create(String name, String orgId) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith("key_")) {
            throw StoreException.invalid("analyst name '" + name + "' is not valid",
                    "Use 2..64 characters of a-z 0-9 . _ -, starting with a letter, not starting with key_ (API keys log in by key id)");
        }
        String password = PasswordHash.newPassword();
        try (Connection c = db.getConnection()) {
            if (orgId != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM organisations WHERE org_id = ?")) {
                    ps.setString(1, orgId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw StoreException.notFound("no org has the id '" + orgId + "'", "Pass the id admin org create printed");
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO analyst_accounts (name, org_id, password_hash) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, orgId);
                ps.setString(3, PasswordHash.hash(password));
                if (ps.executeUpdate() == 0) {
                    throw StoreException.conflict("analyst '" + name + "' exists already", "Choose another --name");
                }
            }
            return new Created(name, orgId, password);
        } catch (SQLException e) {
            throw StoreException.unavailable("PostgreSQL", "analyst_accounts (creating " + name + ")", e);
        }
    }

    /**
     * Checks a login. Every refusal says the same to the caller ("wrong user name or password", or what the account
     * lacks once the password proved who it is), so the endpoint never tells which account names exist.
     */
    public Account authenticate(String user, String password) throws LoginRefused {
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            throw new LoginRefused("a user name and a password are needed", "empty user or password");
        }
        try (Connection c = db.getConnection()) {
            return user.startsWith("key_") ? apiKey(c, user, password) : analyst(c, user, password);
        } catch (SQLException e) {
            throw StoreException.unavailable("PostgreSQL", "analyst_accounts (checking login " + user + ")", e);
        }
    }

    private Account analyst(Connection c, String name, String password) throws SQLException, LoginRefused {
        try (PreparedStatement ps = c.prepareStatement("SELECT org_id, password_hash, disabled_at FROM analyst_accounts WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    // Spend the same time as a real check, so timing does not tell which names exist.
                    PasswordHash.matches(password, Dummy.HASH);
                    throw wrong("no analyst account " + name);
                }
                if (!PasswordHash.matches(password, rs.getString("password_hash"))) {
                    throw wrong("wrong password for analyst " + name);
                }
                if (rs.getTimestamp("disabled_at") != null) {
                    throw new LoginRefused("account '" + name + "' is disabled", "disabled analyst " + name);
                }
                return new Account(name, rs.getString("org_id"), false);
            }
        }
    }

    private Account apiKey(Connection c, String keyId, String secret) throws SQLException, LoginRefused {
        try (PreparedStatement ps = c.prepareStatement("SELECT k.org_id, k.key_hash, k.scopes, k.revoked_at, k.expires_at, o.plan_id "
                + "FROM api_keys k JOIN organisations o ON o.org_id = k.org_id WHERE k.key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !ApiKeyHash.matches(ApiKeyHash.of(secret), rs.getString("key_hash"))) {
                    throw wrong("no API key " + keyId + " with that secret");
                }
                Timestamp now = Timestamp.from(clock.instant());
                Timestamp expires = rs.getTimestamp("expires_at");
                if (rs.getTimestamp("revoked_at") != null || (expires != null && !expires.after(now))) {
                    throw new LoginRefused("API key " + keyId + " is revoked or expired", "dead key " + keyId);
                }
                Array scopes = rs.getArray("scopes");
                if (!Arrays.asList((String[]) scopes.getArray()).contains(BI_SCOPE)) {
                    throw new LoginRefused("API key " + keyId + " lacks the '" + BI_SCOPE + "' scope; create one with "
                            + "./tunetrail admin key create --org ORG --scopes " + BI_SCOPE, "no bi scope on " + keyId);
                }
                if (!BI_KEY_PLAN.equals(rs.getString("plan_id"))) {
                    throw new LoginRefused("SQL access with API keys is part of the " + BI_KEY_PLAN + " plan; the org of key " + keyId
                            + " is on '" + rs.getString("plan_id") + "'", "plan of " + keyId);
                }
                return new Account(keyId, rs.getString("org_id"), true);
            }
        }
    }

    private static LoginRefused wrong(String detail) {
        return new LoginRefused("wrong user name or password (analyst accounts: the name and the password admin analyst create "
                + "printed; API keys: the key id as user and the key as password)", detail);
    }

    /** Made on first use: creating accounts (the CLI) never needs it. */
    private static final class Dummy {
        static final String HASH = PasswordHash.hash(PasswordHash.newPassword());
    }
}
