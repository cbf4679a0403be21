package io.tunetrail.cli.chaos;

import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the two streaming scenarios share: a world with a {@link ListeningWorkload} (and its flush) in its topics, both
 * streaming jobs run on it as {@code ./tunetrail stream} runs them (continuously: the mode a restart must resume), the
 * wait for the point where a fault hurts most, and the wait for the results to settle.
 *
 * <p>The point: sessions have been committed (a checkpoint completed with results) and a newer checkpoint has
 * completed since, while windows and sessions are still open, so a restart has both committed results to keep and
 * in-flight state to restore.
 */
final class StreamingRun implements AutoCloseable {
    /** The jobs' arguments: both jobs, continuously, as {@code ./tunetrail stream} runs them. */
    static final List<String> ARGS = List.of("--job", "all");
    private static final Duration MID_STREAM_TIMEOUT = Duration.ofMinutes(5);
    /** Continuous runs mark a quiet partition idle after a minute; settling takes that and a checkpoint or two more. */
    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(6);

    final ChaosWorld world;
    final ListeningWorkload workload;
    final Path root;

    private StreamingRun(ChaosWorld world, ListeningWorkload workload, Path root) {
        this.world = world;
        this.workload = workload;
        this.root = root;
    }

    /** A world named {@code name} with its workload and flush sent; checkpoints every half second, so faults meet fresh ones. */
    static StreamingRun prepare(PlatformConfig config, Path root, String name, Consumer<String> progress) throws Exception {
        Path repository = ChaosWorld.repository(root);
        ChaosWorld world = ChaosWorld.create(config, name, Map.of(PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS.name(), "500"));
        PlatformConfig c = world.config();
        List<String> orgs = List.of(world.unique("a"), world.unique("b"), world.unique("c"));
        ListeningWorkload workload = ListeningWorkload.build(orgs, 40, 8, 20, name.hashCode());
        String interactions = c.get(PlatformConfig.TOPIC_INTERACTIONS);
        String usage = c.get(PlatformConfig.TOPIC_USAGE);
        int partitions = c.getInt(PlatformConfig.KAFKA_PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(workload.records(interactions));
        records.addAll(workload.usageRecords(usage, partitions));
        records.addAll(workload.flush(world.unique("flush"), interactions, usage, partitions));
        world.send(records, null);
        progress.accept(String.format("sent %,d listening events and %,d usage events of %d orgs (%,d sessions each), then a flush per"
                + " partition, to %s", workload.size(), workload.callsPerOrg() * orgs.size(), orgs.size(), workload.sessionsPerOrg(), interactions));
        return new StreamingRun(world, workload, repository);
    }

    /**
     * Sends a later flush after a restore. Event time moves only with events: when the restored checkpoint had read every
     * partition to its end, the first flush included, but its watermark had not yet closed the windows it holds, those
     * windows close only when newer events arrive, as live traffic brings them (idleness only stops a quiet partition
     * from holding the others back; it does not move event time). The flush's org is not part of the truth.
     */
    void sendLaterFlush(Consumer<String> progress) {
        PlatformConfig c = world.config();
        int partitions = c.getInt(PlatformConfig.KAFKA_PARTITIONS);
        world.send(workload.laterFlush(world.unique("later-flush"), c.get(PlatformConfig.TOPIC_INTERACTIONS), c.get(PlatformConfig.TOPIC_USAGE),
                partitions), null);
        progress.accept("sent a later flush per partition (newer events, as live traffic would bring after the restore)");
    }

    BackgroundJob start(Consumer<String> progress) {
        return BackgroundJob.start(world.config(), root, JobLauncher.Engine.FLINK, List.of(), ARGS, line -> progress.accept("  | " + line));
    }

    /** Waits for committed sessions and a checkpoint completed after them; false when the job ended first. */
    boolean awaitMidStream(BackgroundJob job) throws InterruptedException {
        Instant[] committed = {null};
        return job.awaitWhileRunning(() -> {
            if (committed[0] == null) {
                if (committedSessionRecords() > 0) {
                    committed[0] = Instant.now();
                }
                return false;
            }
            return newestCheckpoint().isAfter(committed[0]);
        }, MID_STREAM_TIMEOUT);
    }

    /**
     * Compares with the truth until the results equal it (or the job ends, or {@link #SETTLE_TIMEOUT} passes) and
     * returns the last comparison.
     */
    StreamingTruth.Comparison awaitSettled(BackgroundJob job) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        StreamingTruth.Comparison last = StreamingTruth.compare(world, workload);
        while (!last.exact() && !job.finished() && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            last = StreamingTruth.compare(world, workload);
        }
        return last;
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

    /** The offset up to which the sessions topic's transactions are decided: above zero once one was committed. */
    private long committedSessionRecords() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, world.config().kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String topic = world.config().get(PlatformConfig.TOPIC_SESSIONS);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
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
            return Instant.EPOCH;
        }
    }

    @Override
    public void close() throws Exception {
        world.close();
    }
}
