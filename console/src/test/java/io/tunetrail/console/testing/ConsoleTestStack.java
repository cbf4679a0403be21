package io.tunetrail.console.testing;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.ops.ApiMetrics;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.console.ConsoleExtension;
import io.tunetrail.console.ConsoleSettings;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The API with the console installed, on the shared local stack, for one IT class: a database of its own, org ids of
 * its own in the shared Redis, fresh Kafka topics, a clock the test moves, and the server listening on a free
 * loopback port. Members and orgs are made through the platform's own stores.
 */
public final class ConsoleTestStack implements BeforeAllCallback, AfterAllCallback {
    /** Sessions: 30 minutes idle, 12 hours at most; sign-in: 3 failures per account. The address limit is high, since
     * every test signs in from 127.0.0.1 of a machine other runs share; {@code SignInLimiterIT} covers it. */
    public static final ConsoleSettings SETTINGS = new ConsoleSettings(true, Duration.ofMinutes(30), Duration.ofHours(12), 3, 10_000,
            Duration.ofMinutes(15));

    public final FreshDatabase db = new FreshDatabase();
    public final RedisNamespace redis = new RedisNamespace();
    public final PlatformConfig kafkaConfig = TestStack.withFreshTopics("console");
    public final MutableClock clock = new MutableClock(Instant.now());
    public final PlanCatalog plans = PlanCatalog.load();
    private ApiStores stores;
    private Sql sql;
    private Javalin app;

    @Override
    public void beforeAll(ExtensionContext context) {
        db.beforeAll(context);
        redis.beforeAll(context);
        KafkaTopics.ensure(kafkaConfig);
        EventPublisher events = new EventPublisher(kafkaConfig);
        stores = new ApiStores(db.dataSource(), redis.jedis(), redis.config().redisUri(), events, events::close);
        sql = new Sql(db.dataSource());
        // No test looks a name up: webhook hosts resolve to nothing.
        WebhookSettings webhooks = WebhookSettings.local(host -> {
            throw new UnknownHostException(host);
        });
        app = ServingApp.create(stores, clock, new ApiSettings(plans, "whsec_console_its", 1_048_576, 5_000, 0, webhooks), new ApiMetrics(),
                List.of(new ConsoleExtension(SETTINGS)));
        app.start("127.0.0.1", 0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (app != null) {
                app.stop();
            }
            stores.events().close();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig.kafkaBootstrap()))) {
                admin.deleteTopics(KafkaTopics.names(kafkaConfig)).all().get(30, TimeUnit.SECONDS);
            }
        } finally {
            redis.afterAll(context);
            db.afterAll(context);
        }
    }

    /** {@code http://127.0.0.1:PORT} */
    public String base() {
        return "http://127.0.0.1:" + app.port();
    }

    public Sql sql() {
        return sql;
    }

    public ApiStores stores() {
        return stores;
    }

    /** A new cloud org on {@code plan}, with an id from the Redis namespace. */
    public String org(String name, String plan) {
        String orgId = redis.newOrgId(name);
        new OrgStore(sql).create(orgId, "Org " + name, plan, "cloud");
        return orgId;
    }

    /** A member of {@code org} with a console sign-in; the e-mail is made unique to the org. */
    public ConsoleAccounts.CreatedUser user(String org, String name, Role role) {
        return new ConsoleAccounts(sql, new Argon2idPasswords()).create(org, name + "@" + org + ".example", role);
    }

    /** An org key (no member) with every scope; returns the secret. */
    public String orgKey(String org) {
        return new ApiKeyStore(sql).create(org, null, "org key", List.of("read", "write", "admin"), null).secret();
    }
}
