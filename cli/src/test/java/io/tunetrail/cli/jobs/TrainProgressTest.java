package io.tunetrail.cli.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> passed = new ArrayList<>();

    private static String step(String job, int jobIndex, String org, int orgIndex, int orgs, boolean done, long jobMs, long allMs) {
        return "progress {\"job\":\"" + job + "\",\"job_index\":" + jobIndex + ",\"jobs\":10,\"org\":"
                + (org == null ? "null" : "\"" + org + "\"") + ",\"org_index\":" + orgIndex + ",\"orgs\":" + orgs
                + ",\"done\":" + done + ",\"job_elapsed_ms\":" + jobMs + ",\"chain_elapsed_ms\":" + allMs + "}";
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalOneBarIsRedrawnInPlaceWithJobOrgAndTime() {
        try (TrainProgress p = new TrainProgress(out, true, now::get, passed::add, false)) {
            p.accept(step("track-similarity", 3, null, 0, 0, false, 0, 40_000));
            p.accept(step("track-similarity", 3, "acme", 2, 4, false, 6_500, 46_500));
        }
        String s = printed();
        assertThat(s).doesNotContain("\n\r").endsWith("\n");
        assertThat(s.split("\r")).hasSize(3); // "", then two redraws of the same line
        // 2 whole jobs + 1 of 4 orgs done, of 10 jobs = 22.5 %: 5 of 20 cells (rounded half up from 4.5)
        assertThat(s).contains("  train [#####...............]  23%  job 3/10 track-similarity  org 2/4 acme  6.5 s  (all 46.5 s)\u001b[K");
    }

    @Test
    void theBarsClocksMoveWhileAStepRuns() {
        TrainProgress.Step s = new TrainProgress.Step("evaluate", 9, 10, "acme", 1, 2, false, 1_000, 100_000);
        assertThat(TrainProgress.bar(s, 2_500)).endsWith("org 1/2 acme  3.5 s  (all 102.5 s)");
        TrainProgress.Step done = new TrainProgress.Step("materialise", 10, 10, null, 2, 2, true, 4_000, 150_000);
        assertThat(TrainProgress.bar(done, 0)).startsWith("  train [####################] 100%  job 10/10 materialise done");
    }

    @Test
    void otherLinesClearTheBarPassThroughAndTheBarComesBack() {
        try (TrainProgress p = new TrainProgress(out, true, now::get, passed::add, false)) {
            p.accept(step("als", 1, "acme", 1, 2, false, 100, 100));
            p.accept("als: acme=1.0 (12.0 s)");
        }
        assertThat(passed).containsExactly("als: acme=1.0 (12.0 s)");
        String s = printed();
        int cleared = s.indexOf("\r\u001b[K");
        assertThat(cleared).isPositive();
        assertThat(s.substring(cleared)).contains("job 1/10 als");
    }

    @Test
    void inALogEachJobIsAPlainLineAndOrgLinesAreThrottled() {
        TrainProgress p = new TrainProgress(out, false, now::get, passed::add, false);
        p.accept(step("evaluate", 9, null, 0, 0, false, 0, 200_000));
        p.accept(step("evaluate", 9, "acme", 1, 3, false, 10, 200_010));
        now.addAndGet(1_000);
        p.accept(step("evaluate", 9, "beta", 2, 3, false, 1_010, 201_010)); // within 5 s of the last line: not shown
        now.addAndGet(TrainProgress.LOG_EVERY_MS);
        p.accept(step("evaluate", 9, "gamma", 3, 3, false, 6_010, 206_010));
        p.accept(step("evaluate", 9, null, 3, 3, true, 9_000, 209_000));
        p.close();
        assertThat(printed()).doesNotContain("\r").doesNotContain("\u001b");
        assertThat(printed().lines()).containsExactly(
                "train: job 9/10 evaluate started (200.0 s in all)",
                "train: job 9/10 evaluate org 3/3 gamma, 6.0 s into the job (206.0 s in all)",
                "train: job 9/10 evaluate done in 9.0 s (209.0 s in all)");
        assertThat(passed).isEmpty();
    }
}
