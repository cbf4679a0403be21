package io.tunetrail.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.EventCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Shows the nightly chain's progress from the batch jar's {@code progress {...}} lines (its {@code ChainProgress}):
 * the current job, the org it works on and the time spent. On a terminal one bar is redrawn in place (every second,
 * so the clock moves while a long step runs); in a log each job's start and end is a plain line, and its orgs at most
 * one line per {@link #LOG_EVERY_MS}. Every other line of the jar goes to {@code passThrough}.
 */
public final class TrainProgress implements Consumer<String>, AutoCloseable {
    static final String PREFIX = "progress ";
    static final long LOG_EVERY_MS = 5_000;
    private static final int BAR_WIDTH = 20;

    /** One step as the jar reports it. */
    record Step(String job, int jobIndex, int jobs, String org, int orgIndex, int orgs, boolean done, long jobElapsedMs,
            long chainElapsedMs) {
        static Step parse(String json) throws IOException {
            JsonNode n = EventCodec.mapper().readTree(json);
            return new Step(n.path("job").asText(), n.path("job_index").asInt(), n.path("jobs").asInt(),
                    n.path("org").isTextual() ? n.path("org").asText() : null, n.path("org_index").asInt(),
                    n.path("orgs").asInt(), n.path("done").asBoolean(), n.path("job_elapsed_ms").asLong(),
                    n.path("chain_elapsed_ms").asLong());
        }

        /** The share of the chain done: whole jobs before this one, plus this job's finished orgs. */
        double fraction() {
            if (jobs <= 0) {
                return 0;
            }
            double inJob = done ? 1 : orgs > 0 && orgIndex > 0 ? (orgIndex - 1) / (double) orgs : 0;
            return Math.min(1, (jobIndex - 1 + inJob) / jobs);
        }
    }

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier millis;
    private final Consumer<String> passThrough;
    private final ScheduledExecutorService ticker;
    private Step last;
    private long lastAt;
    private long lastLogged = Long.MIN_VALUE;
    private boolean barShown;

    TrainProgress(PrintStream out, boolean terminal, LongSupplier millis, Consumer<String> passThrough, boolean tick) {
        this.out = out;
        this.terminal = terminal;
        this.millis = millis;
        this.passThrough = passThrough;
        this.ticker = terminal && tick ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "train-progress");
            t.setDaemon(true);
            return t;
        }) : null;
        if (ticker != null) {
            ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Progress on {@code out}: a bar when this process has a terminal, plain lines otherwise. */
    public static TrainProgress on(PrintStream out, Consumer<String> passThrough) {
        return new TrainProgress(out, System.console() != null, System::currentTimeMillis, passThrough, true);
    }

    @Override
    public synchronized void accept(String line) {
        if (!line.startsWith(PREFIX)) {
            clearBar();
            passThrough.accept(line);
            redraw();
            return;
        }
        Step step;
        try {
            step = Step.parse(line.substring(PREFIX.length()));
        } catch (IOException e) {
            passThrough.accept(line);
            return;
        }
        last = step;
        lastAt = millis.getAsLong();
        if (terminal) {
            redraw();
        } else if (step.org() == null || lastAt - lastLogged >= LOG_EVERY_MS) {
            out.println(logLine(step));
            out.flush();
            lastLogged = lastAt;
        }
    }

    private synchronized void redraw() {
        if (!terminal || last == null) {
            return;
        }
        out.print("\r" + bar(last, millis.getAsLong() - lastAt) + "\u001b[K");
        out.flush();
        barShown = true;
    }

    private void clearBar() {
        if (barShown) {
            out.print("\r\u001b[K");
            barShown = false;
        }
    }

    /** The terminal form; {@code sinceStepMs} moves the clocks on between steps. */
    static String bar(Step s, long sinceStepMs) {
        double f = s.fraction();
        int filled = (int) Math.round(f * BAR_WIDTH);
        StringBuilder b = new StringBuilder("  train [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled))
                .append(String.format(Locale.ROOT, "] %3.0f%%  job %d/%d %s", f * 100, s.jobIndex(), s.jobs(), s.job()));
        if (s.org() != null) {
            b.append(String.format(Locale.ROOT, "  org %d/%d %s", s.orgIndex(), s.orgs(), s.org()));
        } else if (s.done()) {
            b.append(" done");
        }
        return b.append(String.format(Locale.ROOT, "  %s  (all %s)", seconds(s.jobElapsedMs() + (s.done() ? 0 : sinceStepMs)),
                seconds(s.chainElapsedMs() + sinceStepMs))).toString();
    }

    /** The log form: one plain line per step shown. */
    static String logLine(Step s) {
        String where = s.done() ? "done in " + seconds(s.jobElapsedMs())
                : s.org() == null ? "started"
                : String.format(Locale.ROOT, "org %d/%d %s, %s into the job", s.orgIndex(), s.orgs(), s.org(),
                        seconds(s.jobElapsedMs()));
        return String.format(Locale.ROOT, "train: job %d/%d %s %s (%s in all)", s.jobIndex(), s.jobs(), s.job(), where,
                seconds(s.chainElapsedMs()));
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** Stops redrawing and ends the bar's line. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (barShown) {
            out.println();
            out.flush();
            barShown = false;
        }
    }
}
