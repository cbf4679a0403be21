package io.tunetrail.console.testing;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.ops.ApiMetrics;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.model.testing.MutableClock;
import io.tunetrail.console.ConsoleExtension;
import io.tunetrail.console.ConsoleSettings;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.auth.TrustedProxies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The API with the console installed, for one IT class: the API's own {@link ApiTestStack} (a database of its own, org
 * ids of its own in the shared Redis, fresh Kafka topics, a clock the test moves) with the server listening on a free
 * loopback port. Members get console sign-ins through the console's own {@link ConsoleAccounts}.
 */
public final class ConsoleTestStack implements BeforeAllCallback, AfterAllCallback {
    /**
     * Sessions: 30 minutes idle, 12 hours at most; sign-in: 3 failures per account. The address limit is high, since
     * every test signs in from 127.0.0.1 of a machine other runs share. Loopback is a trusted proxy, so a test that
     * needs an address of its own (the address limit's attack test) sends it in {@code X-Forwarded-For}, as a proxy
     * in front of the API would; requests without the header are 127.0.0.1's.
     */
    public static final ConsoleSettings SETTINGS = new ConsoleSettings(true, Duration.ofMinutes(30), Duration.ofHours(12), 3, 10_000,
            Duration.ofMinutes(15), "http://console.test", Duration.ofHours(72), Duration.ofMinutes(30), TrustedProxies.parse("127.0.0.1, ::1"));

    private final ApiTestStack api = new ApiTestStack();
    /** Stripe on loopback, its checkout and portal pages too; sessions may send the browser back to the console's address. */
    public final io.tunetrail.api.testing.StripeStandIn stripe = new io.tunetrail.api.testing.StripeStandIn().servingPagesHere();
    public final MutableClock clock = api.clock;
    /** The registry the API's {@code /metrics} renders, which the console's counters join. */
    public final ApiMetrics metrics = new ApiMetrics();
    private Javalin app;

    @Override
    public void beforeAll(ExtensionContext context) {
        api.beforeAll(context);
        io.tunetrail.api.billing.StripeSettings s = stripe.settings();
        app = ServingApp.create(api.stores(), api.clock, new ApiSettings(api.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0,
                WebhookSettings.local(new TestResolver())).withStripe(new io.tunetrail.api.billing.StripeSettings(s.apiKey(), s.apiBase(),
                        s.meters(), s.maxAttempts(), s.retryBase(), s.timeout(), SETTINGS.publicUrl())), metrics,
                List.of(new ConsoleExtension(SETTINGS)));
        app.start("127.0.0.1", 0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (app != null) {
                app.stop();
            }
            stripe.close();
        } finally {
            api.afterAll(context);
        }
    }

    /** {@code http://127.0.0.1:PORT} */
    public String base() {
        return "http://127.0.0.1:" + app.port();
    }

    public Sql sql() {
        return api.sql();
    }

    /** The org's audio_analysis units counted today, as the limiter keeps them. */
    public long audioUsedToday(String org) {
        return io.tunetrail.api.testing.AudioFixtures.audioUsedToday(api, org);
    }

    /** Waits until the threshold alerts offered so far are written. */
    public void awaitAlerts() throws InterruptedException {
        ServingApp.alerts(app).awaitIdle(Duration.ofSeconds(10));
    }

    /** The app's canaries: tests start one as the nightly promotion does. */
    public io.tunetrail.store.registry.ModelCanaries canaries() {
        return ServingApp.canaries(app);
    }

    public ApiStores stores() {
        return api.stores();
    }

    /** A new cloud org on {@code plan}, with an id from the Redis namespace. */
    public String org(String name, String plan) {
        return api.org(name, plan);
    }

    /** A member of {@code org} with a console sign-in; the e-mail is made unique to the org. */
    public ConsoleAccounts.CreatedUser user(String org, String name, Role role) {
        return new ConsoleAccounts(api.sql(), new Argon2idPasswords()).create(org, name + "@" + org + ".example", role);
    }
}
