package io.tunetrail.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.UsageEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka unreachable (a loopback port nobody listens on): publishing a usage event never blocks the caller, the
 * publisher holds up to its bound, and every event beyond it, or still held at shutdown, is counted as dropped.
 */
class EventPublisherTest {
    @Test
    void withNoBrokerEventsAreHeldUpToTheBoundAndTheRestCountedWithoutBlocking(@TempDir Path home) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            deadPort = s.getLocalPort();
        }
        PlatformConfig config = PlatformConfig.load(Map.of(), Map.of(PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.KAFKA_BOOTSTRAP.name(), "127.0.0.1:" + deadPort, PlatformConfig.API_USAGE_BUFFER_EVENTS.name(), "50"));
        EventPublisher events = new EventPublisher(config);
        int accepted = 0;
        long slowestNanos = 0;
        try {
            for (int i = 0; i < 80; i++) {
                long t0 = System.nanoTime();
                if (events.publishUsage(new UsageEvent("org-a", "key-1", "api_calls", 1, Instant.now(), "req_" + i))) {
                    accepted++;
                }
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - t0);
                if (i == 10) {
                    // Let the sender meet the dead broker (max.block.ms 1 s) while requests keep coming.
                    Thread.sleep(1_500);
                }
            }
            assertThat(accepted).isEqualTo(50);
            assertThat(events.usageDropped()).isEqualTo(30);
            assertThat(events.usageHeld()).isEqualTo(50);
            assertThat(events.usageFailed()).isZero();
            long until = System.nanoTime() + 5_000_000_000L;
            while (events.usageResent() == 0 && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(events.usageResent()).as("the sender gave events back instead of losing them").isPositive();
            assertThat(events.usageHeld()).isEqualTo(50);
            assertThat(slowestNanos / 1_000_000).as("slowest publishUsage, ms").isLessThan(100);
        } finally {
            events.close();
        }
        assertThat(events.usageDropped()).as("events still held at shutdown are counted, not lost silently").isEqualTo(80);
        assertThat(events.usageHeld()).isZero();
    }
}
