package io.tunetrail.cli.chaos;

import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A job jar running in its own JVM ({@link JobLauncher}) on a thread of ours, so a scenario can watch it and kill its
 * JVM mid-run like an operator's {@code kill -9} or a lost machine would. The JVM carries a marker system property of
 * its own, so the kill finds exactly this JVM and never another job's.
 */
final class BackgroundJob {
    private final String marker = "tunetrail.chaos.job=" + UUID.randomUUID();
    private final CompletableFuture<JobLauncher.JobRun> run;

    private BackgroundJob(PlatformConfig config, Path root, JobLauncher.Engine engine, List<String> jvmFlags, List<String> args,
            Consumer<String> output) {
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-D" + marker);
        run = CompletableFuture.supplyAsync(() -> new JobLauncher(config, root).run(engine, flags, args, output),
                r -> {
                    Thread t = new Thread(r, "chaos-job");
                    t.setDaemon(true);
                    t.start();
                });
    }

    static BackgroundJob start(PlatformConfig config, Path root, JobLauncher.Engine engine, List<String> jvmFlags, List<String> args,
            Consumer<String> output) {
        return new BackgroundJob(config, root, engine, jvmFlags, args, output);
    }

    boolean finished() {
        return run.isDone();
    }

    /** Waits until {@code condition} holds (true) or the job ends (false); fails after {@code timeout}. */
    boolean awaitWhileRunning(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!run.isDone()) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job neither reached the awaited point nor ended within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Kills the job's JVM at once ({@code SIGKILL}: no shutdown hook, no last checkpoint); false when it had ended. */
    boolean kill() throws InterruptedException {
        Optional<ProcessHandle> jvm = ProcessHandle.current().descendants().filter(p -> commandLine(p).contains(marker)).findFirst();
        if (jvm.isEmpty()) {
            return false;
        }
        jvm.get().destroyForcibly();
        try {
            jvm.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the killed job's JVM " + jvm.get().pid() + " did not exit within 30 s", e);
        }
        return true;
    }

    /** How the job ended; waits at most {@code timeout}. */
    JobLauncher.JobRun await(Duration timeout) throws Exception {
        return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return p.info().commandLine().orElse("");
        }
    }
}
