package io.tunetrail.sql.audit;

import io.tunetrail.store.analyst.QueryAuditLog;
import java.time.Duration;
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
 * entry it has, so a retry never duplicates) and new entries wait in a bounded queue; when that is full an entry is
 * dropped, counted ({@link #dropped()}) and logged, never silently.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    static final int BATCH = 200;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Consumer<List<QueryAuditLog.Entry>> sink;
    private final BlockingQueue<QueryAuditLog.Entry> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;

    public AuditWriter(QueryAuditLog log, int capacity) {
        this(log::record, capacity);
    }

    AuditWriter(Consumer<List<QueryAuditLog.Entry>> sink, int capacity) {
        this.sink = sink;
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

    private void run() {
        List<QueryAuditLog.Entry> batch = new ArrayList<>();
        long backoffMs = 250;
        while (!(closing && queue.isEmpty() && batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    QueryAuditLog.Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
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
        int lost = batch.size() + queue.size();
        if (lost > 0) {
            LOG.error("the SQL endpoint stopped with {} audit entries not written to PostgreSQL", lost);
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
