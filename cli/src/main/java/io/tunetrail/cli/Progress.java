package io.tunetrail.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar with a rate for long work, on standard error. On a terminal it redraws one line; elsewhere (CI,
 * pipes) it prints a line every few seconds so logs stay readable. {@link #step} is thread-safe and cheap.
 */
public final class Progress implements AutoCloseable {
    private static final int BAR_WIDTH = 24;

    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private volatile boolean closed;

    private Progress(String label, String unit, long total, PrintStream out, boolean terminal) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress-" + label);
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 200 : 5_000;
        ticker.scheduleAtFixedRate(this::draw, period, period, TimeUnit.MILLISECONDS);
    }

    /** Starts a bar; {@code total} &lt; 0 when the amount of work is unknown (then only counts and rate show). */
    public static Progress start(String label, String unit, long total) {
        return new Progress(label, unit, total, System.err, System.console() != null);
    }

    public void step(long n) {
        done.addAndGet(n);
    }

    public long done() {
        return done.get();
    }

    /** Seconds since the start. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Units per second so far. */
    public double rate() {
        double s = elapsedSeconds();
        return s <= 0 ? 0 : done.get() / s;
    }

    private synchronized void draw() {
        if (closed) {
            return;
        }
        String line = render();
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    String render() {
        long n = done.get();
        StringBuilder sb = new StringBuilder("  ").append(label).append(' ');
        if (total > 0) {
            double f = Math.min(1.0, (double) n / total);
            int filled = (int) Math.round(f * BAR_WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%% %,d/%,d", f * 100, n, total));
        } else {
            sb.append(String.format(Locale.ROOT, "%,d", n));
        }
        sb.append(' ').append(unit).append(String.format(Locale.ROOT, "  %s %s/s  %.1fs", human(rate()), unit, elapsedSeconds()));
        return sb.toString();
    }

    /** Stops redrawing and prints the final line. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        ticker.shutdownNow();
        String line = render();
        closed = true;
        out.print(terminal ? "\r" + line + "\u001b[K\n" : line + "\n");
        out.flush();
    }

    static String human(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
