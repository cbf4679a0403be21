package io.tunetrail.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.model.testing.MutableClock;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.time.Instant;
import java.util.List;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.UsageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The API over the real stack for one IT class, as a JUnit extension: its own database ({@link FreshDatabase}), org ids
 * of its own in the shared Redis ({@link RedisNamespace}), fresh Kafka topics, and a clock the test moves. Orgs and keys
 * are created through the API's own stores. Register it as
 * {@code @RegisterExtension static final ApiTestStack stack = new ApiTestStack();} (or {@code new ApiTestStack(start)}
 * for a clock that starts elsewhere than now); the class's own {@code @BeforeAll} methods run after it is up.
 */
public final class ApiTestStack implements BeforeAllCallback, AfterAllCallback {
    public static final String WEBHOOK_SECRET = "whsec_test_secret_for_its";

    public final FreshDatabase db = new FreshDatabase();
    public final RedisNamespace redis = new RedisNamespace();
    public final PlatformConfig kafkaConfig = TestStack.withFreshTopics("api");
    public final MutableClock clock;
    public final PlanCatalog plans = PlanCatalog.load();
    private ApiStores stores;
    private Sql sql;

    public ApiTestStack() {
        this(Instant.now());
    }

    public ApiTestStack(Instant start) {
        this.clock = new MutableClock(start);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        db.beforeAll(context);
        redis.beforeAll(context);
        KafkaTopics.ensure(kafkaConfig);
        EventPublisher events = new EventPublisher(kafkaConfig);
        stores = new ApiStores(db.dataSource(), redis.jedis(), redis.config().redisUri(), events, events::close);
        sql = new Sql(db.dataSource());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            stores.events().close();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig.kafkaBootstrap()))) {
                admin.deleteTopics(KafkaTopics.names(kafkaConfig)).all().get(30, TimeUnit.SECONDS);
            }
        } finally {
            redis.afterAll(context);
            db.afterAll(context);
        }
    }

    public ApiStores stores() {
        return stores;
    }

    public Javalin app() {
        return app(1_048_576);
    }

    public Javalin app(long maxBodyBytes) {
        return ServingApp.create(stores, clock, new ApiSettings(plans, WEBHOOK_SECRET, maxBodyBytes, 5_000, 0,
                WebhookSettings.local(new TestResolver())));
    }

    /** The app calling Stripe with these settings (a {@link StripeStandIn}'s). */
    public Javalin app(io.tunetrail.api.billing.StripeSettings stripe) {
        return app(settings -> settings.withStripe(stripe));
    }

    /** The app with the default test settings changed by {@code adjust}. */
    public Javalin app(java.util.function.UnaryOperator<ApiSettings> adjust) {
        return ServingApp.create(stores, clock, adjust.apply(new ApiSettings(plans, WEBHOOK_SECRET, 1_048_576, 5_000, 0,
                WebhookSettings.local(new TestResolver()))));
    }

    /** The app with {@code extensions} installed on the same server (the web console's tests). */
    public Javalin app(List<io.tunetrail.api.ServingExtension> extensions) {
        return ServingApp.create(stores, clock, new ApiSettings(plans, WEBHOOK_SECRET, 1_048_576, 5_000, 0, WebhookSettings.local(new TestResolver())),
                new io.tunetrail.api.ops.ApiMetrics(), extensions);
    }

    /** The app with these webhook settings; due deliveries are sent every {@code dispatchMillis} (0: only when the test asks). */
    public Javalin app(WebhookSettings webhooks, long dispatchMillis) {
        return ServingApp.create(stores, clock, new ApiSettings(plans, WEBHOOK_SECRET, 1_048_576, 5_000, dispatchMillis, webhooks));
    }

    /**
     * Webhook settings for receivers on this machine: loopback allowed, http:// for 127.0.0.1 and the {@code httpHosts},
     * names resolved by {@code resolver}.
     */
    public static WebhookSettings loopbackWebhooks(TestResolver resolver, String... httpHosts) {
        List<String> hosts = new java.util.ArrayList<>(List.of(httpHosts));
        hosts.add("127.0.0.1");
        return WebhookSettings.local(resolver).withLoopback(true, hosts);
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

    /** The usage topic's events of {@code org}, read from the start until {@code expected} arrived or the topic went quiet. */
    public List<UsageEvent> usageEvents(String org, int expected) {
        EventCodec<UsageEvent> codec = EventCodec.usage();
        List<UsageEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "api-it-usage-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(kafkaConfig.get(PlatformConfig.TOPIC_USAGE)));
            // Bounded wait for delivery (the sender drains every few ms, the producer lingers 20 ms); a few extra quiet
            // polls after the expected count would reveal duplicates.
            int quietPolls = 0;
            long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < giveUpAt && (events.size() < expected || quietPolls < 3)) {
                var records = consumer.poll(Duration.ofMillis(500));
                quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    Decoded<UsageEvent> d = codec.decode(r.value());
                    assertThat(d.isAccepted()).as("a valid usage event: %s", d).isTrue();
                    if (d.value().orgId().equals(org)) {
                        assertThat(r.key()).isEqualTo(org);
                        events.add(d.value());
                    }
                }
            }
        }
        return events;
    }
}
