package io.tunetrail.cli.chaos;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.RedisOnlineStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What the two streaming scenarios share: a world with a {@link ListeningWorkload} in its interactions topic, both
 * streaming jobs started on it as {@code ./tunetrail stream --job all --until-idle} does, and the wait for the point
 * where a fault hurts most: results are flowing (minutes have closed into the Redis ledger) and a checkpoint has
 * completed since, so a restart has both committed results to keep and in-flight state to restore.
 */
final class StreamingRun implements AutoCloseable {
    /** The jobs' arguments: both jobs, the run bounded to what the topics hold, as {@code stream --until-idle}. */
    static final List<String> ARGS = List.of("--job", "all", "--until-idle");
    private static final Duration MID_STREAM_TIMEOUT = Duration.ofMinutes(5);

    final ChaosWorld world;
    final ListeningWorkload workload;
    final Path root;

    private StreamingRun(ChaosWorld world, ListeningWorkload workload, Path root) {
        this.world = world;
        this.workload = workload;
        this.root = root;
    }

    /** A world named {@code name} with its workload sent; checkpoints every half second, so faults meet fresh ones. */
    static StreamingRun prepare(PlatformConfig config, Path root, String name, Consumer<String> progress) throws Exception {
        Path repository = root != null ? root : Setup.repositoryRoot();
        if (repository == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail chaos");
        }
        ChaosWorld world = ChaosWorld.create(config, name, Map.of(PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS.name(), "500"));
        List<String> orgs = List.of(world.unique("a"), world.unique("b"), world.unique("c"));
        ListeningWorkload workload = ListeningWorkload.build(orgs, 40, 8, 20, name.hashCode());
        world.send(workload.records(world.config().get(PlatformConfig.TOPIC_INTERACTIONS)), null);
        progress.accept(String.format("sent %,d listening events of %d orgs (%,d sessions each) to %s", workload.size(), orgs.size(),
                workload.sessionsPerOrg(), world.config().get(PlatformConfig.TOPIC_INTERACTIONS)));
        return new StreamingRun(world, workload, repository);
    }

    BackgroundJob start(Consumer<String> progress) {
        return BackgroundJob.start(world.config(), root, JobLauncher.Engine.FLINK, List.of(), ARGS, line -> progress.accept("  | " + line));
    }

    /** Runs the jobs again to their end, in the foreground. */
    JobLauncher.JobRun runAgain(Consumer<String> progress) {
        return new JobLauncher(world.config(), root).run(JobLauncher.Engine.FLINK, ARGS, line -> progress.accept("  | " + line));
    }

    /** Waits for results flowing and a checkpoint completed after that; false when the job ended first. */
    boolean awaitMidStream(BackgroundJob job) throws InterruptedException {
        Instant[] flowing = {null};
        try (RedisOnlineStore redis = RedisOnlineStore.connect(world.config())) {
            return job.awaitWhileRunning(() -> {
                if (flowing[0] == null) {
                    String org = workload.eventsPerOrg().keySet().iterator().next();
                    if (redis.ledger(org, List.of("interactions"), workload.midday()).get("interactions").day() > 0) {
                        flowing[0] = Instant.now();
                    }
                    return false;
                }
                return newestCheckpoint().isAfter(flowing[0]);
            }, MID_STREAM_TIMEOUT);
        }
    }

    /** How many complete checkpoints the world's runs have left. */
    long retainedCheckpoints() throws IOException {
        Path dir = world.folder().resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.find(dir, 4, (p, a) -> p.getFileName().toString().equals("_metadata"))) {
            return files.count();
        }
    }

    /** When the newest complete checkpoint of the world was written (the epoch when there is none). */
    private Instant newestCheckpoint() {
        Path dir = world.folder().resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return Instant.EPOCH;
        }
        try (Stream<Path> files = Files.find(dir, 4, (p, a) -> p.getFileName().toString().equals("_metadata"))) {
            return files.map(StreamingRun::modified).max(Instant::compareTo).orElse(Instant.EPOCH);
        } catch (IOException | UncheckedIOException e) {
            // A checkpoint discarded while we walked: look again on the next poll.
            return Instant.EPOCH;
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return FileTime.fromMillis(0).toInstant();
        }
    }

    @Override
    public void close() throws Exception {
        world.close();
    }
}
