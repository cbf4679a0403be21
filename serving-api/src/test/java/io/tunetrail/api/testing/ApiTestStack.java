package io.tunetrail.api.testing;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The API over the real stack for one IT class: its own database ({@link FreshDatabase}), org ids of its own in the
 * shared Redis ({@link RedisNamespace}), fresh Kafka topics, and a clock the test moves. Orgs and keys are created
 * through the API's own stores.
 */
public final class ApiTestStack implements AutoCloseable {
    public static final String WEBHOOK_SECRET = "whsec_test_secret_for_its";

    public final FreshDatabase db;
    public final RedisNamespace redis;
    public final PlatformConfig kafkaConfig;
    public final MutableClock clock;
    public final ApiStores stores;
    public final PlanCatalog plans;
    private final Sql sql;

    public ApiTestStack(FreshDatabase db, RedisNamespace redis, Instant start) {
        this.db = db;
        this.redis = redis;
        this.kafkaConfig = TestStack.withFreshTopics("api");
        KafkaTopics.ensure(kafkaConfig);
        this.clock = new MutableClock(start);
        this.plans = PlanCatalog.load();
        EventPublisher events = new EventPublisher(kafkaConfig);
        this.stores = new ApiStores(db.dataSource(), redis.jedis(), redis.config().redisUri(), events, events::close);
        this.sql = new Sql(db.dataSource());
    }

    public Javalin app() {
        return app(1_048_576);
    }

    public Javalin app(long maxBodyBytes) {
        return ServingApp.create(stores, clock, new ApiSettings(plans, WEBHOOK_SECRET, maxBodyBytes, 5_000, 0));
    }

    /** A new org on {@code plan} (cloud edition) with a fresh id from the Redis namespace. */
    public String org(String name, String plan) {
        return org(name, plan, "cloud");
    }

    public String org(String name, String plan, String edition) {
        String orgId = redis.newOrgId(name);
        new OrgStore(sql).create(orgId, "Org " + name, plan, edition);
        return orgId;
    }

    /** A key of the org with the given scopes; returns the secret. */
    public String key(String orgId, String... scopes) {
        return new ApiKeyStore(sql).create(orgId, null, "test key", List.of(scopes), null).secret();
    }

    public Sql sql() {
        return sql;
    }

    @Override
    public void close() throws Exception {
        stores.events().close();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig.kafkaBootstrap()))) {
            admin.deleteTopics(KafkaTopics.names(kafkaConfig)).all().get(30, TimeUnit.SECONDS);
        }
    }
}
