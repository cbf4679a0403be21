package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.RedisKeys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interaction is marked as seen (a retry is a duplicate) for the idempotency window only once Kafka acknowledged
 * it: until then its mark lapses within a minute, so an API that dies, or a Redis that refuses the clean-up, between
 * marking and publishing cannot turn the client's retry of a lost event into a "duplicate".
 */
class InteractionMarksIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void theMarkIsShortLivedUntilKafkaHasTheEventAndTheRetryIsAccepted(@TempDir Path home) throws Exception {
        String org = stack.org("marks", "starter");
        String key = stack.key(org, "read", "write");
        String seen = RedisKeys.interactionSeen(org, "ev-1");
        String event = "{\"client_event_id\":\"ev-1\",\"user_id\":\"u-1\",\"track_id\":\"tr-1\",\"event_type\":\"play\",\"event_time\":\""
                + Instant.now() + "\"}";

        // The same database and Redis, but a broker nobody listens on: the publish fails after max.block.ms.
        int deadPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            deadPort = s.getLocalPort();
        }
        EventPublisher deadKafka = new EventPublisher(PlatformConfig.load(Map.of(), Map.of(PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.KAFKA_BOOTSTRAP.name(), "127.0.0.1:" + deadPort)));
        AtomicLong longestTtlWhilePublishing = new AtomicLong(-2);
        try {
            Javalin app = ServingApp.create(new ApiStores(stack.db.dataSource(), stack.redis.jedis(), "test", deadKafka, deadKafka::close),
                    stack.clock, new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0));
            JavalinTest.test(app, (server, client) -> {
                Thread watcher = new Thread(() -> {
                    long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                    while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                        longestTtlWhilePublishing.accumulateAndGet(stack.redis.jedis().pttl(seen), Math::max);
                    }
                });
                watcher.start();
                Http.Answer refused = post(client, "/api/v1/interactions", key, event);
                watcher.interrupt();
                watcher.join();
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json().path("code").asText()).isEqualTo("kafka_unavailable");
                assertThat(refused.header("Retry-After")).isNotNull();
            });
        } finally {
            deadKafka.close();
        }
        assertThat(longestTtlWhilePublishing.get()).as("the mark's TTL (ms) while the publish was under way").isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(1).toMillis());
        assertThat(stack.redis.jedis().exists(seen)).as("the mark of an event Kafka never got is gone").isFalse();

        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer accepted = post(client, "/api/v1/interactions", key, event);
            assertThat(accepted.status()).isLessThan(300);
            assertThat(accepted.json().path("accepted").asInt()).as("the retry is accepted, not a duplicate").isEqualTo(1);
        });
        assertThat(stack.redis.jedis().pttl(seen)).as("once acknowledged, marked for the idempotency window")
                .isGreaterThan(Duration.ofDays(6).toMillis());
    }
}
