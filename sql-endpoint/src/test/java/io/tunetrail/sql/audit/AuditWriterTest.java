package io.tunetrail.sql.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.store.analyst.AuditWriterStatus;
import io.tunetrail.store.analyst.QueryAuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The audit writer's counters: what it queued, wrote, dropped and failed to write, as the status file shows them. */
class AuditWriterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T04:00:00Z"), ZoneOffset.UTC);
    /** Nothing to purge: these tests are about writing. */
    private static final AuditRetention NO_PURGE = new AuditRetention((before, n) -> 0, Duration.ofDays(90), 10, CLOCK);

    @Test
    void aRefusedBatchCountsAsFailedAndIsWrittenOnceTheDatabaseTakesIt() throws Exception {
        AtomicInteger refusals = new AtomicInteger(2);
        List<QueryAuditLog.Entry> stored = new CopyOnWriteArrayList<>();
        List<AuditWriterStatus> published = new CopyOnWriteArrayList<>();
        try (AuditWriter writer = new AuditWriter(batch -> {
            if (refusals.getAndDecrement() > 0) {
                throw new IllegalStateException("PostgreSQL is down");
            }
            stored.addAll(batch);
        }, 10, NO_PURGE, published::add, CLOCK)) {
            writer.submit(entry("s1"));
            writer.submit(entry("s2"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writer.written() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(writer.status()).isEqualTo(new AuditWriterStatus(0, 2, 0, 2, 0, CLOCK.instant()));
            while (published.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(published).isNotEmpty();
            assertThat(published.get(published.size() - 1).written()).isEqualTo(2);
        }
        assertThat(stored).extracting(QueryAuditLog.Entry::statementId).containsExactly("s1", "s2");
    }

    @Test
    void aFullQueueDropsAndCountsTheEntryWhileTheQueuedOnesWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        try (AuditWriter writer = new AuditWriter(batch -> {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 2, NO_PURGE, s -> { }, CLOCK)) {
            writer.submit(entry("held"));
            assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
            writer.submit(entry("q1"));
            writer.submit(entry("q2"));
            writer.submit(entry("over"));
            assertThat(writer.queued()).isEqualTo(2);
            assertThat(writer.dropped()).isEqualTo(1);
            assertThat(writer.status().line()).startsWith("queued 2, written 0, dropped 1, failed 0, purged 0");
            release.countDown();
        }
    }

    static QueryAuditLog.Entry entry(String id) {
        return entry(id, Instant.parse("2026-12-06T03:59:00Z"));
    }

    static QueryAuditLog.Entry entry(String id, Instant startedAt) {
        return QueryAuditLog.Entry.bounded(id, "ana", "analyst", null, "session-1", "SELECT 1", startedAt, 5, 1L,
                QueryAuditLog.Outcome.OK, null);
    }
}
