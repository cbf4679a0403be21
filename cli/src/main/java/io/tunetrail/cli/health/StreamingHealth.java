package io.tunetrail.cli.health;

import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures the Flink jobs' health from outside them, so a scheduler can check jobs it did not start: each job's consumer
 * lag (its group's committed offsets, which the jobs commit at each checkpoint, against the ends of its topics), the age
 * of its newest completed checkpoint (a {@code chk-N/_metadata} file under {@code stream.checkpoint-dir}), and the rate of
 * dead letters the jobs sent over the last {@code health.window-minutes} per record their input topics received.
 * Each measure is held against its {@code health.*} limit; what is over goes to {@link Report#breaches()}.
 */
public final class StreamingHealth {
    /** The Flink jobs: consumer group {@code tunetrail-<job>} (as {@code KafkaIo} names it) and their input topics. */
    static Map<String, List<PlatformConfig.Key>> jobs() {
        Map<String, List<PlatformConfig.Key>> jobs = new LinkedHashMap<>();
        jobs.put("usage-counters", List.of(PlatformConfig.TOPIC_USAGE, PlatformConfig.TOPIC_INTERACTIONS));
        jobs.put("session-features", List.of(PlatformConfig.TOPIC_INTERACTIONS));
        return jobs;
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final PlatformConfig config;
    private final Clock clock;

    public StreamingHealth(PlatformConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** One job's measures; null where there is nothing to measure yet. */
    public record JobHealth(String job, String group, Long lag, Long checkpointAgeSeconds, String checkpoint) {}

    /** All measures, the limits they were held against, and what is over. */
    public record Report(List<JobHealth> jobs, long deadLetters, long inputRecords, double deadLetterRate, long windowMinutes,
                         Map<String, Object> limits, List<String> breaches) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> perJob = new LinkedHashMap<>();
            for (JobHealth j : jobs) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("consumer_group", j.group());
                one.put("consumer_lag", j.lag());
                one.put("checkpoint_age_seconds", j.checkpointAgeSeconds());
                one.put("checkpoint", j.checkpoint());
                perJob.put(j.job(), one);
            }
            m.put("jobs", perJob);
            m.put("dead_letters", deadLetters);
            m.put("input_records", inputRecords);
            m.put("dead_letter_rate", deadLetterRate);
            m.put("window_minutes", windowMinutes);
            m.put("limits", limits);
            m.put("breaches", breaches);
            return m;
        }
    }

    public Report measure() {
        long maxLag = config.getLong(PlatformConfig.HEALTH_MAX_CONSUMER_LAG);
        long maxAge = config.getLong(PlatformConfig.HEALTH_MAX_CHECKPOINT_AGE_SECONDS);
        double maxRate = config.getDouble(PlatformConfig.HEALTH_MAX_DEAD_LETTER_RATE);
        long window = config.getLong(PlatformConfig.HEALTH_WINDOW_MINUTES);
        Instant now = clock.instant();
        List<JobHealth> jobs = new ArrayList<>();
        List<String> breaches = new ArrayList<>();
        try (Admin admin = Admin.create(adminProps())) {
            for (Map.Entry<String, List<PlatformConfig.Key>> job : jobs().entrySet()) {
                String group = "tunetrail-" + job.getKey();
                List<String> topics = job.getValue().stream().map(config::get).toList();
                Long lag = lag(admin, group, topics);
                Optional<Path> dir = checkpointDir(job.getKey());
                Optional<Instant> checkpoint = dir.flatMap(StreamingHealth::newestCheckpoint);
                Long age = checkpoint.map(at -> Math.max(0, Duration.between(at, now).toSeconds())).orElse(null);
                jobs.add(new JobHealth(job.getKey(), group, lag, age, dir.map(Path::toString)
                        .orElse(config.get(PlatformConfig.STREAM_CHECKPOINT_DIR) + " (not local: ask the Flink REST API)")));
                if (lag == null) {
                    breaches.add(job.getKey() + ": consumer group " + group + " has committed no offsets (is the job running?)");
                } else if (lag > maxLag) {
                    breaches.add(String.format("%s: consumer lag %,d > %,d", job.getKey(), lag, maxLag));
                }
                if (dir.isPresent() && age == null) {
                    breaches.add(job.getKey() + ": no completed checkpoint under " + dir.get());
                } else if (age != null && age > maxAge) {
                    breaches.add(String.format("%s: newest checkpoint %,d s old > %,d s", job.getKey(), age, maxAge));
                }
            }
            Instant since = now.minus(Duration.ofMinutes(window));
            long inputs = 0;
            for (String topic : List.of(config.get(PlatformConfig.TOPIC_INTERACTIONS), config.get(PlatformConfig.TOPIC_USAGE))) {
                inputs += recordsSince(admin, topic, since);
            }
            long deadLetters = deadLettersSince(admin, since);
            double rate = inputs == 0 ? (deadLetters == 0 ? 0 : 1) : (double) deadLetters / inputs;
            if (rate > maxRate) {
                breaches.add(String.format("dead-letter rate %.4f (%,d of %,d records in %d min) > %.4f", rate, deadLetters, inputs,
                        window, maxRate));
            }
            Map<String, Object> limits = new LinkedHashMap<>();
            limits.put("max_consumer_lag", maxLag);
            limits.put("max_checkpoint_age_seconds", maxAge);
            limits.put("max_dead_letter_rate", maxRate);
            return new Report(jobs, deadLetters, inputs, rate, window, limits, breaches);
        } catch (ExecutionException e) {
            throw new IllegalStateException("asking Kafka at " + config.kafkaBootstrap() + " failed: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka", e);
        }
    }

    /** Records behind the end of the topics, summed over partitions; null when the group committed nothing. */
    private static Long lag(Admin admin, String group, List<String> topics) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> ends = offsets(admin, topics, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(admin, topics, OffsetSpec.earliest());
        if (committed.keySet().stream().noneMatch(ends::containsKey)) {
            return null;
        }
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(end.getKey());
            // A partition the group has not committed yet is behind by all it holds.
            long from = c != null ? c.offset() : starts.get(end.getKey());
            lag += Math.max(0, end.getValue() - from);
        }
        return lag;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<String> topics, OffsetSpec spec)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), spec)));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Offsets written to {@code topic} since {@code since} (transaction markers included: an estimate of records). */
    private static long recordsSince(Admin admin, String topic, Instant since) throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> ends = offsets(admin, List.of(topic), OffsetSpec.latest());
        Map<TopicPartition, Long> from = offsets(admin, List.of(topic), OffsetSpec.forTimestamp(since.toEpochMilli()));
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            long start = from.getOrDefault(e.getKey(), -1L);
            // -1: nothing at or after that time in this partition.
            n += start < 0 ? 0 : e.getValue() - start;
        }
        return n;
    }

    /** Dead letters since {@code since} whose stage header names one of the Flink jobs (others come from ingestion). */
    private long deadLettersSince(Admin admin, Instant since) throws ExecutionException, InterruptedException {
        String topic = config.get(PlatformConfig.TOPIC_DEAD_LETTER);
        Map<TopicPartition, Long> ends = offsets(admin, List.of(topic), OffsetSpec.latest());
        Map<TopicPartition, Long> from = offsets(admin, List.of(topic), OffsetSpec.forTimestamp(since.toEpochMilli()));
        Set<String> stages = jobs().keySet();
        long count = 0;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                long start = from.getOrDefault(e.getKey(), -1L);
                if (start < 0 || start >= e.getValue()) {
                    continue;
                }
                consumer.assign(List.of(e.getKey()));
                consumer.seek(e.getKey(), start);
                Instant deadline = Instant.now().plus(TIMEOUT);
                while (consumer.position(e.getKey()) < e.getValue() && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        Header stage = r.headers().lastHeader(DeadLetter.HEADER_STAGE);
                        if (r.offset() < e.getValue() && stage != null
                                && stages.contains(new String(stage.value(), StandardCharsets.UTF_8))) {
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    private Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return p;
    }

    /**
     * Where the job's checkpoints are, as the streaming jar computes it ({@code StreamSettings}); empty for object
     * storage ({@code s3:}, ...), which this command does not read.
     */
    Optional<Path> checkpointDir(String job) {
        String dir = config.get(PlatformConfig.STREAM_CHECKPOINT_DIR);
        if (dir.contains(":") && !dir.startsWith("file:")) {
            return Optional.empty();
        }
        Path base = dir.isBlank() ? config.home().resolve("flink").resolve("checkpoints")
                : dir.startsWith("file:") ? Path.of(URI.create(dir)) : Path.of(dir);
        return Optional.of(base.toAbsolutePath().resolve(job));
    }

    /** The newest completed checkpoint's time: {@code <dir>/<flink job id>/chk-N/_metadata}, written last. */
    private static Optional<Instant> newestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(dir, 3, (path, attrs) -> path.getFileName().toString().equals("_metadata")
                && path.getParent().getFileName().toString().startsWith("chk-") && attrs.isRegularFile())) {
            return files.map(StreamingHealth::modified).max(Instant::compareTo);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the checkpoints under " + dir + " failed", e);
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
