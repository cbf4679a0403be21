package io.tunetrail.cli.chaos;

import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.ServiceStatus;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Scenario 1 of issue 11: the stack's Kafka broker is killed ({@code SIGKILL}) while the streaming jobs run, stays down
 * for {@link #DOWN}, and is started again. Flink fails over to its last checkpoint and retries until the broker is back;
 * the results must equal the ground truth: no event lost, none counted twice. Needs the local stack's broker (a
 * process this machine can kill): the one {@code config}'s home runs.
 */
public final class KafkaBrokerKilledScenario implements ChaosScenario {
    static final Duration DOWN = Duration.ofSeconds(8);

    private final Path root;

    public KafkaBrokerKilledScenario() {
        this(null);
    }

    /** @param root the repository whose job jars to run; null means {@code TUNETRAIL_ROOT} */
    public KafkaBrokerKilledScenario(Path root) {
        this.root = root;
    }

    @Override
    public String name() {
        return "kafka-broker-killed";
    }

    @Override
    public String description() {
        return "the Kafka broker is killed for " + DOWN.toSeconds() + " s under the streaming jobs; counters and sessions equal the truth";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        LocalStack stack = new LocalStack(config, line -> progress.accept("  " + line.strip()));
        if (brokerPid(stack).isEmpty()) {
            return new Outcome(false, "no broker of the local stack to kill", "the stack of " + config.home() + " runs no Kafka process");
        }
        try (StreamingRun s = StreamingRun.prepare(config, root, name(), progress)) {
            BackgroundJob job = s.start(progress);
            if (!s.awaitMidStream(job)) {
                return new Outcome(false, "the job ended before the broker could be killed mid-stream", "exit " + job.await(Duration.ZERO).exitCode());
            }
            ProcessHandle broker = ProcessHandle.of(brokerPid(stack).orElseThrow()).orElseThrow();
            long t0 = System.nanoTime();
            broker.destroyForcibly();
            broker.onExit().get(30, TimeUnit.SECONDS);
            progress.accept("killed the Kafka broker (SIGKILL, pid " + broker.pid() + ") mid-stream; restarting it in " + DOWN.toSeconds() + " s");
            Thread.sleep(DOWN.toMillis());
            stack.start();
            double down = (System.nanoTime() - t0) / 1e9;
            progress.accept(String.format("the broker answers again after %.1f s; waiting for the results to settle", down));
            // Flink restarted the jobs from their last checkpoint while the broker was down: the same case as a restart.
            s.sendLaterFlush(progress);
            StreamingTruth.Comparison settled = s.awaitSettled(job);
            double total = (System.nanoTime() - t0) / 1e9;
            boolean survived = !job.finished();
            job.kill();
            job.await(Duration.ofMinutes(1));
            StreamingTruth.Comparison last = StreamingTruth.compare(s.world, s.workload);
            String measured = String.format("broker down %.1f s; results equal the truth %.1f s after the kill: %s%s", down, total,
                    last.measured(), last.exact() ? "" : "; DIFFERENCES: " + String.join("; ", last.differences()));
            return new Outcome(survived && settled.exact() && last.exact(), survived
                    ? "the jobs kept running: Flink restarted them from the last checkpoint until the broker was back, aborted the open"
                            + " transactions and kept the committed results"
                    : "the streaming jobs' JVM ended while the broker was down", measured);
        }
    }

    private static OptionalLong brokerPid(LocalStack stack) {
        return stack.status().stream().filter(s -> s.service().equals("kafka")).findFirst().map(ServiceStatus::pid).orElse(OptionalLong.empty());
    }
}
