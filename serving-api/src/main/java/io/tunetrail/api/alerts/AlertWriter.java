package io.tunetrail.api.alerts;

import io.tunetrail.store.alerts.Crossing;
import io.tunetrail.store.StoreException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records detected {@link Crossing}s on a thread of its own, so that no request waits for PostgreSQL, nor fails when it
 * is down, because of an alert.
 *
 * <p>The queue is bounded ({@link #CAPACITY}). A crossing happens at most a few times per org, resource and period, so
 * it fills only when PostgreSQL stays unusable while thousands of crossings happen; the writer keeps retrying the
 * crossing at the head meanwhile (backoff up to 5 s), and a crossing offered to a full queue is dropped and counted
 * ({@link #dropped()}, one WARN line per 10 s), never waited for. Crossings still queued when the app stops are given
 * {@link #close} a few seconds to be written, then counted as dropped too.
 */
public final class AlertWriter implements AutoCloseable {
    /** Crossings held while PostgreSQL is slow or down: about 1 MB at most. */
    public static final int CAPACITY = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(AlertWriter.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final BlockingQueue<Crossing> queue;
    private final Predicate<Crossing> store;
    private final Thread thread;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder recorded = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** Offered and not yet finished (queued or being written): what {@link #awaitIdle} waits for. */
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong lastDropWarning = new AtomicLong();
    private volatile boolean stopping;

    /** {@code store} records one crossing and says whether it was new ({@link AlertStore#record}). */
    public AlertWriter(Predicate<Crossing> store) {
        this(store, CAPACITY);
    }

    AlertWriter(Predicate<Crossing> store, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.store = store;
        this.thread = new Thread(this::run, "tunetrail-api-alerts");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a crossing without waiting; a full queue (or a stopped writer) drops it and counts it. */
    public void offer(Crossing crossing) {
        inFlight.incrementAndGet();
        if (stopping || !queue.offer(crossing)) {
            inFlight.decrementAndGet();
            dropped.increment();
            long now = System.nanoTime();
            long last = lastDropWarning.get();
            if (now - last > TimeUnit.SECONDS.toNanos(10) && lastDropWarning.compareAndSet(last, now)) {
                LOG.warn("threshold alerts dropped: {} in all (the queue of {} is full: PostgreSQL is down or too slow)", dropped.sum(),
                        CAPACITY);
            }
        }
    }

    private void run() {
        long backoffMs = 100;
        Crossing next = null;
        while (true) {
            try {
                if (next == null) {
                    next = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        if (stopping) {
                            return;
                        }
                        continue;
                    }
                }
                try {
                    (store.test(next) ? recorded : duplicates).increment();
                } catch (StoreException e) {
                    if (e.kind() == StoreException.Kind.UNAVAILABLE && !stopping) {
                        // Kept at the head: PostgreSQL coming back records it; meanwhile the queue absorbs new crossings.
                        Thread.sleep(backoffMs);
                        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                        continue;
                    }
                    fail(next, e);
                } catch (RuntimeException e) {
                    fail(next, e);
                }
                backoffMs = 100;
                next = null;
                inFlight.decrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void fail(Crossing c, RuntimeException e) {
        failed.increment();
        LOG.error("could not record the threshold alert {}% of {} {} for org {}: {}", c.thresholdPercent(), c.period(), c.resource(), c.orgId(),
                e.getMessage());
    }

    /** Waits until every crossing offered so far is written (or failed); false when {@code timeout} passed first. Tests use it. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Crossings dropped because the queue was full or the writer had stopped. */
    public long dropped() {
        return dropped.sum();
    }

    /** New alerts written. */
    public long recorded() {
        return recorded.sum();
    }

    /** Crossings whose alert existed already (another instance, a refund's second crossing). */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Crossings PostgreSQL refused for another reason than being unavailable (logged). */
    public long failed() {
        return failed.sum();
    }

    /** Crossings queued or being written now. */
    public long pending() {
        return inFlight.get();
    }

    /** Stops taking crossings and gives the queued ones up to 3 s to be written; what is left is counted as dropped. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
        int left = queue.size();
        if (left > 0) {
            dropped.add(left);
            LOG.warn("{} threshold alerts were still queued when the API stopped and are not recorded", left);
        }
    }
}
