package io.tunetrail.api.alerts;

import io.tunetrail.store.alerts.Crossing;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.store.StoreException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The writer's queue: never blocks the caller, retries while the database is unavailable, drops and counts when full. */
class AlertWriterTest {
    private static Crossing crossing(int threshold) {
        return new Crossing("o1", Crossing.QUOTA, "api_calls", Crossing.DAY, LocalDate.parse("2026-12-06"), threshold,
                BigDecimal.valueOf(1000), BigDecimal.valueOf(10L * threshold), Instant.parse("2026-12-06T10:00:00Z"));
    }

    @Test
    void aCrossingWaitsForTheDatabaseToComeBackAndIsRecordedOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<Crossing> stored = new CopyOnWriteArrayList<>();
        try (AlertWriter writer = new AlertWriter(c -> {
            if (attempts.incrementAndGet() <= 3) {
                throw StoreException.unavailable("PostgreSQL", "test", new java.net.ConnectException("refused"));
            }
            stored.add(c);
            return true;
        })) {
            writer.offer(crossing(50));
            assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(stored).containsExactly(crossing(50));
            assertThat(attempts.get()).isEqualTo(4);
            assertThat(writer.recorded()).isEqualTo(1);
            assertThat(writer.dropped()).isZero();
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(1);
        try (AlertWriter writer = new AlertWriter(c -> {
            taken.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c.thresholdPercent() != 80;
        }, 2)) {
            writer.offer(crossing(10));
            assertThat(taken.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            writer.offer(crossing(50));
            writer.offer(crossing(80));
            writer.offer(crossing(100));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(writer.dropped()).isEqualTo(1);
            release.countDown();
            assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(writer.recorded()).isEqualTo(2);
            assertThat(writer.duplicates()).isEqualTo(1);
        }
    }

    @Test
    void aRefusalOtherThanUnavailableIsCountedAndTheNextCrossingStillGoes() throws Exception {
        List<Crossing> stored = new CopyOnWriteArrayList<>();
        try (AlertWriter writer = new AlertWriter(c -> {
            if (c.thresholdPercent() == 50) {
                throw StoreException.invalid("alert", "a broken row");
            }
            stored.add(c);
            return true;
        })) {
            writer.offer(crossing(50));
            writer.offer(crossing(80));
            assertThat(writer.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(writer.failed()).isEqualTo(1);
            assertThat(stored).containsExactly(crossing(80));
        }
    }
}
