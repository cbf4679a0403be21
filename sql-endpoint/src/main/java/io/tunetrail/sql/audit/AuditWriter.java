package io.tunetrail.sql.audit;

import io.tunetrail.store.analyst.AuditWriterStatus;
import io.tunetrail.store.analyst.QueryAuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit entries to PostgreSQL from a thread of its own, in batches, so no statement ever waits for the database:
 * {@link #submit} only queues. While PostgreSQL is slow or down the batch in hand is retried (the table ignores an
 * entry it has, so a retry never duplicates; each refused attempt is counted, {@link #failed()}) and new entries wait
 * in a bounded queue; when that is full an entry is dropped, counted ({@link #dropped()}) and logged, never silently.
 * When idle the same thread deletes entries past their retention ({@link AuditRetention}) and publishes its counters
 * every {@link #REPORT_EVERY} ({@link AuditWriterStatus}).
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    static final int BATCH = 200;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final Consumer<List<QueryAuditLog.Entry>> sink;
    private final BlockingQueue<QueryAuditLog.Entry> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private final AuditRetention retention;
    private final Consumer<AuditWriterStatus> report;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closing;
    private Instant reportedAt = Instant.MIN;

    /** Entries older than {@code keep} are deleted; the counters go to {@code report} (the status file) every few seconds. */
    public AuditWriter(QueryAuditLog log, int capacity, Duration keep, Consumer<AuditWriterStatus> report) {
        this(log::record, capacity, new AuditRetention(log::purgeBefore, keep, AuditRetention.BATCH, Clock.systemUTC()), report,
                Clock.systemUTC());
    }

    AuditWriter(Consumer<List<QueryAuditLog.Entry>> sink, int capacity, AuditRetention retention, Consumer<AuditWriterStatus> report,
            Clock clock) {
        this.sink = sink;
        this.retention = retention;
        this.report = report;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "sql-audit-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an entry; never blocks. */
    public void submit(QueryAuditLog.Entry entry) {
        if (!queue.offer(entry)) {
            long n = dropped.incrementAndGet();
            LOG.error("audit queue full (PostgreSQL too slow or down): dropped the entry of statement {} by {}; {} dropped since start",
                    entry.statementId(), entry.account(), n);
        }
    }

    /** Entries dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Entries PostgreSQL has. */
    public long written() {
        return written.get();
    }

    /** Write attempts PostgreSQL refused (each retried). */
    public long failed() {
        return failed.get();
    }

    /** Entries deleted for being older than the retention. */
    public long purged() {
        return purged.get();
    }

    /** Entries waiting now. */
    public long queued() {
        return queue.size();
    }

    /** All counters at once. */
    public AuditWriterStatus status() {
        return new AuditWriterStatus(queued(), written(), dropped(), failed(), purged(), clock.instant());
    }

    private void run() {
        List<QueryAuditLog.Entry> batch = new ArrayList<>();
        long backoffMs = 250;
        while (!(closing && queue.isEmpty() && batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    QueryAuditLog.Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        idle();
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                sink.accept(batch);
                written.addAndGet(batch.size());
                batch.clear();
                backoffMs = 250;
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                LOG.warn("cannot write {} audit entries ({}); retrying in {} ms, {} more waiting", batch.size(), e.getMessage(), backoffMs,
                        queue.size());
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException stop) {
                    break;
                }
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        }
        publish();
        int lost = batch.size() + queue.size();
        if (lost > 0) {
            LOG.error("the SQL endpoint stopped with {} audit entries not written to PostgreSQL", lost);
        }
    }

    /** With nothing to write: purge batches while due and nothing arrives, then publish the counters when it is time. */
    private void idle() {
        int deleted;
        do {
            deleted = retention.step();
            purged.addAndGet(deleted);
        } while (deleted > 0 && queue.isEmpty() && !closing);
        if (!clock.instant().isBefore(reportedAt.plus(REPORT_EVERY))) {
            publish();
        }
    }

    private void publish() {
        reportedAt = clock.instant();
        try {
            report.accept(status());
        } catch (RuntimeException e) {
            LOG.warn("cannot publish the audit writer's counters: {}", e.getMessage());
        }
    }

    /** Writes what is queued, waiting at most {@code grace}; what is left then is logged as lost. */
    public void close(Duration grace) {
        closing = true;
        try {
            thread.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
