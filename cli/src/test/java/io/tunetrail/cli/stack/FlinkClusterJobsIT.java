package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.FlinkSessionJobs;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.cli.jobs.StreamCommand;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.testing.RedisNamespace;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local Flink session cluster and the streaming jar submitted to it ({@code stream --cluster}): the JobManager sees
 * its TaskManagers; a continuous job stopped with a savepoint ({@code stream --cluster --stop}) is restored from it by
 * the next submission and counts on exactly; a TaskManager running the usage-counters job is SIGKILLed after a
 * checkpoint while events keep arriving, the job restarts from that checkpoint on the other TaskManager, the per-org
 * usage ledger in Redis equals the units sent, none lost and none counted twice, and the JobManager drops the dead
 * TaskManager, which the cluster reports stopped; a bounded run ({@code stream --cluster --until-idle}) counts what
 * the topics hold and ends with its report.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterJobsIT {
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    private static final Set<LocalCluster.Part> FLINK = EnumSet.of(LocalCluster.Part.FLINK);
    /** Usage events per second the kill test's feed sends: fewer than the job reads on a loaded machine, so checkpoints complete. */
    private static final int FEED_EVENTS_PER_SECOND = 4_000;
    /** The bounded run's input: enough for several records per minute window, small enough to read in seconds. */
    private static final int BOUNDED_EVENTS = 20_000;
    /** Per run of the savepoint test: the job only needs to have counted something before it is stopped. */
    private static final int SAVEPOINT_EVENTS = 5_000;

    /** The cluster's keys (ports, home, checkpoints) without topics: each config made from them gets fresh topics. */
    private static Map<String, String> overrides;
    private static PlatformConfig config;
    private static LocalCluster cluster;
    private static Path root;

    @BeforeAll
    static void startCluster() throws Exception {
        root = ClusterTestSupport.repositoryRoot();
        overrides = new HashMap<>(ClusterTestSupport.overrides(Files.createTempDirectory(ClusterTestSupport.scratch(), "tt-cj-flink")));
        // Short, so the kill test's first checkpoint completes within seconds of the job's start.
        overrides.put(PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS.name(), "500");
        config = withOwnTopics("clusterflink");
        cluster = new LocalCluster(config, root, System.out::println);
        cluster.stopOnExit(FLINK);
        cluster.start(FLINK);
    }

    @AfterAll
    static void stopAndDeleteTopics() throws Exception {
        if (cluster != null) {
            List<ProcessHandle> all = new ArrayList<>();
            for (String p : List.of("flink-jobmanager", "flink-taskmanager-1", "flink-taskmanager-2")) {
                cluster.process(p).ifPresent(all::add);
            }
            cluster.stop(FLINK);
            assertThat(all).noneMatch(ProcessHandle::isAlive);
            assertThat(cluster.status(FLINK)).allMatch(s -> s.state() == ServiceStatus.State.STOPPED);
        }
        if (config != null) {
            deleteTopics(config);
        }
    }

    @Test
    @Order(1)
    void theJobManagerSeesItsTaskManagers() {
        JsonNode tms = ClusterHttp.get(cluster.flinkRestUrl() + "/taskmanagers").orElseThrow().path("taskmanagers");
        assertThat(tms).hasSize(2).allSatisfy(tm -> assertThat(tm.path("slotsNumber").asInt()).isEqualTo(FlinkHome.SLOTS));
        assertThat(cluster.status(FLINK)).hasSize(3).allMatch(ServiceStatus::isRunning);
    }

    /**
     * After the kill test, on the TaskManager left. On topics of its own: on the class's, the job would first read the
     * kill test's events, whose newer event times would make this test's events late (never counted) whenever its org
     * shared a partition with one of the kill test's.
     */
    @Test
    @Order(4)
    void aJobStoppedWithASavepointIsRestoredFromItByTheNextSubmission() throws Exception {
        PlatformConfig own = withOwnTopics("clusterflinksp");
        String org = REDIS.newOrgId("flink-sp");
        FlinkSessionJobs jobs = new FlinkSessionJobs(own, root);
        Map<String, Long> truth = new HashMap<>();
        EventClock later = EventClock.covering(own, org);
        Instant clock = advanceEventTime(own, later,
                sendUsage(own, truth, Instant.now().minus(6, ChronoUnit.HOURS), SAVEPOINT_EVENTS, 7, org, org));
        try {
            String first = jobs.submit("usage-counters", line -> { });
            awaitLedger(truth, "the first run counts what was sent", org);

            Map<String, String> savepoints = jobs.stopWithSavepoints();
            assertThat(savepoints).containsOnlyKeys(first);
            Path savepoint = Path.of(URI.create(savepoints.get(first)));
            assertThat(savepoint).as("the savepoint goes to the job's checkpoint folder")
                    .startsWith(cluster.flinkHome().path().resolve("checkpoints").resolve("usage-counters"));
            assertThat(savepoint.resolve("_metadata")).isRegularFile();
            assertThat(jobs.running()).as("stopped, not running").isEmpty();

            // Events that arrive while no job runs: the restored job reads them from the savepoint's offsets, once.
            advanceEventTime(own, later, sendUsage(own, truth, clock.plusSeconds(1), SAVEPOINT_EVENTS, 8, org, org));
            String second = jobs.submit("usage-counters", line -> { });
            JsonNode restored = awaitRestored(second);
            // Flink reports a savepoint restored in claim mode with is_savepoint false; the path says which snapshot it was.
            assertThat(Path.of(URI.create(restored.path("external_path").asText()))).as("restored from the savepoint: %s", restored)
                    .isEqualTo(savepoint);
            awaitLedger(truth, "the restored run adds the new events to the saved counts, none twice", org);
        } finally {
            // A job left running would hold the slots the next test needs.
            jobs.cancelStreamingJobs();
            deleteTopics(own);
        }
    }

    /**
     * A continuous job, fed while it runs: the kill cannot come too late. (A bounded run over 300,000 events sent
     * beforehand ended before its first checkpoint completed on a fast machine, and once on CI.) Events keep arriving
     * across the checkpoint, the kill and the restart, so the restored job replays some of them from the checkpoint's
     * offsets: the ledger equal to the units sent means none lost and none counted twice.
     */
    @Test
    @Order(2)
    void usageCountersSurviveAKilledTaskManagerExactlyOnce() throws Exception {
        String orgA = REDIS.newOrgId("flink-a");
        String orgB = REDIS.newOrgId("flink-b");
        FlinkSessionJobs jobs = new FlinkSessionJobs(config, root);
        String victim;
        try (UsageFeed feed = new UsageFeed(config, Instant.now().minus(4, ChronoUnit.HOURS), 13, orgA, orgB)) {
            String job = jobs.submit("usage-counters", line -> { });
            awaitCompletedCheckpoint(job);
            victim = taskManagerRunning(job);
            ProcessHandle tm = cluster.process(victim).orElseThrow();
            long sentBeforeKill = feed.sent();
            tm.destroyForcibly();
            tm.onExit().get(30, TimeUnit.SECONDS);

            JsonNode restored = awaitRestored(job);
            assertThat(restored.path("is_savepoint").asBoolean()).as("restored from a checkpoint: %s", restored).isFalse();
            Map<String, Long> truth = feed.stop();
            assertThat(feed.sent()).as("events kept arriving after the kill").isGreaterThan(sentBeforeKill);
            advanceEventTime(config, EventClock.covering(config, orgA), feed.lastEventTime());
            awaitLedger(truth, "the Redis ledger equals the units sent, across the kill", orgA, orgB);
        } finally {
            jobs.cancelStreamingJobs();
            // Its retained checkpoint reads this class's topics: the savepoint test's job must start afresh on its own.
            deleteRecursively(cluster.flinkHome().path().resolve("checkpoints").resolve("usage-counters"));
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int registered = 2;
        while (registered != 1 && System.nanoTime() < deadline) {
            registered = ClusterHttp.get(cluster.flinkRestUrl() + "/taskmanagers").map(j -> j.path("taskmanagers").size()).orElse(-1);
            if (registered != 1) {
                Thread.sleep(1_000);
            }
        }
        assertThat(registered).as("the JobManager drops the dead TaskManager after its heartbeat timeout").isEqualTo(1);
        assertThat(cluster.status(FLINK)).filteredOn(s -> s.service().equals(victim))
                .singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(ServiceStatus.State.STOPPED));
    }

    /** {@code stream --cluster --until-idle}: the bounded job reads what the topics hold, counts it and ends with its report. */
    @Test
    @Order(3)
    void aBoundedRunOnTheClusterCountsWhatTheTopicsHoldAndEnds() throws Exception {
        PlatformConfig own = withOwnTopics("clusterflinkbd");
        String org = REDIS.newOrgId("flink-bd");
        Map<String, Long> truth = new HashMap<>();
        try {
            sendUsage(own, truth, Instant.now().minus(5, ChronoUnit.HOURS), BOUNDED_EVENTS, 11, org, org);
            JsonNode report = StreamCommand.run(JobLauncher.onCluster(own, root), "usage-counters", true, line -> { });
            assertThat(report.path("usage_counters").path("records_read").asLong()).as("the report: %s", report).isEqualTo(BOUNDED_EVENTS);
            assertThat(report.path("usage_counters").path("accepted").asLong()).isEqualTo(BOUNDED_EVENTS);
            assertThat(apiCallsLedger(org)).as("the ledger once the bounded run ended").isEqualTo(truth);
            try (Stream<Path> dirs = Files.list(cluster.flinkHome().path().resolve("checkpoints"))) {
                assertThat(dirs.map(p -> p.getFileName().toString())).as("a bounded run's checkpoints have a folder of their own")
                        .contains("usage-counters-until-idle");
            }
        } finally {
            deleteTopics(own);
        }
    }

    @Test
    void aClusterThatIsNotRunningIsOneClearError() throws Exception {
        PlatformConfig nowhere = PlatformConfig.load(config.asEnv(), ClusterTestSupport.overrides(Files.createTempDirectory(ClusterTestSupport.scratch(), "tt-cj-none")));
        assertThatThrownBy(() -> StreamCommand.run(JobLauncher.onCluster(nowhere, root), "usage-counters", true, line -> { }))
                .isInstanceOf(CliError.class)
                .hasMessageContaining("the local Flink cluster is not running")
                .hasMessageContaining("./tunetrail cluster start --flink")
                .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(CliError.ENVIRONMENT));
    }

    /** The cluster's configuration with fresh topics named after {@code prefix}, created. */
    private static PlatformConfig withOwnTopics(String prefix) throws Exception {
        PlatformConfig c = TestStack.withFreshTopics(prefix, overrides);
        KafkaTopics.ensure(c, topics(c));
        return c;
    }

    /** The job's input and result topics of {@code c} (fresh ones). */
    private static List<String> topics(PlatformConfig c) {
        List<String> topics = new ArrayList<>(KafkaTopics.names(c));
        topics.addAll(KafkaTopics.resultNames(c));
        return topics;
    }

    private static void deleteTopics(PlatformConfig c) throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(c))) {
            admin.deleteTopics(topics(c)).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code events} usage events from {@code from} on, in time order (so none is late), a third of them for
     * {@code orgB}; adds them to the ledger's expected day totals in {@code truth} and returns the last event's time.
     */
    private static Instant sendUsage(PlatformConfig c, Map<String, Long> truth, Instant from, int events, long seed, String orgA,
            String orgB) {
        UsageDraws draws = new UsageDraws(truth, from, seed, orgA, orgB);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(c)) {
            for (int i = 0; i < events; i++) {
                publisher.publish(draws.next());
            }
            publisher.flush();
        }
        return draws.last();
    }

    /**
     * Usage events in time order from {@code from} on (a few dozen milliseconds apart, so none is late), a third of
     * them for {@code orgB}, each added to the ledger's expected day totals in {@code truth} as it is drawn.
     */
    private static final class UsageDraws {
        private final Map<String, Long> truth;
        private final Random rnd;
        private final long seed;
        private final String orgA;
        private final String orgB;
        private Instant t;
        private long drawn;

        UsageDraws(Map<String, Long> truth, Instant from, long seed, String orgA, String orgB) {
            this.truth = truth;
            this.rnd = new Random(seed);
            this.seed = seed;
            this.orgA = orgA;
            this.orgB = orgB;
            this.t = from;
        }

        UsageEvent next() {
            t = t.plusMillis(rnd.nextInt(60));
            String org = rnd.nextInt(3) == 0 ? orgB : orgA;
            UsageEvent e = new UsageEvent(org, org.equals(orgA) ? "key-1" : "key-2", "api_calls", 1 + rnd.nextInt(5), t,
                    "req-" + seed + "-" + drawn++);
            truth.merge(RedisKeys.ledgerDay(org, "api_calls", LocalDate.ofInstant(t, ZoneOffset.UTC)), e.units(), Long::sum);
            return e;
        }

        /** The time of the last event drawn. */
        Instant last() {
            return t;
        }
    }

    /** The job's restore as its checkpoint statistics report it, once the job has restored. */
    private static JsonNode awaitRestored(String job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        JsonNode restored = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        while (System.nanoTime() < deadline) {
            restored = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/" + job + "/checkpoints")
                    .map(n -> n.path("latest").path("restored")).orElse(restored);
            if (restored.isObject()) {
                return restored;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " reported no restore within 2 minutes");
    }

    /**
     * A continuous job emits a minute's totals once the watermark (newest event time minus out-of-orderness and allowed
     * lateness) passes it on every partition it reads, of the usage and the interactions topic: a partition that saw
     * nothing holds it back until the source marks it idle, a minute later (that wait, twice, was most of this test's
     * 129 s). So one later event goes to every partition: on the usage topic the org's own on its partition (another
     * resource, kept out of the compared ledger) and orgs of this class's namespace on the others, on the interactions
     * topic plays of those orgs' users. Returns that time; later events must not be older.
     */
    private static Instant advanceEventTime(PlatformConfig c, EventClock clock, Instant last) {
        Instant at = last.plus(10, ChronoUnit.MINUTES);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(c)) {
            for (String org : clock.usageOrgs()) {
                publisher.publish(new UsageEvent(org, "key-1", "webhook_tests", 1, at, "clock-" + at.toEpochMilli()));
            }
            for (String[] orgAndUser : clock.listeners()) {
                publisher.publish(new InteractionEvent(orgAndUser[0], orgAndUser[1], "t-clock", EventType.PLAY, 1_000, 2_000, at,
                        InteractionContext.UNKNOWN, "clock-" + at.toEpochMilli(), 1));
            }
            publisher.flush();
        }
        return at;
    }

    /**
     * Who sends the later events of {@link #advanceEventTime}: usage orgs whose keys cover every partition of the usage
     * topic ({@code org} first), and (org, user) pairs of the other orgs covering the interactions topic's.
     */
    private record EventClock(List<String> usageOrgs, List<String[]> listeners) {
        static EventClock covering(PlatformConfig c, String org) {
            int partitions = c.getInt(PlatformConfig.KAFKA_PARTITIONS);
            Map<Integer, String> orgs = new HashMap<>(Map.of(partitionOf(org, partitions), org));
            for (int i = 0; orgs.size() < partitions; i++) {
                String candidate = REDIS.newOrgId("flink-sp-clock-" + i);
                orgs.putIfAbsent(partitionOf(candidate, partitions), candidate);
            }
            List<String> others = orgs.values().stream().filter(o -> !o.equals(org)).toList();
            Map<Integer, String[]> listeners = new HashMap<>();
            for (int i = 0; listeners.size() < partitions; i++) {
                InteractionEvent play = new InteractionEvent(others.get(i % others.size()), "u-clock-" + i, "t", EventType.PLAY, 0, 0,
                        Instant.EPOCH, null, "", 1);
                listeners.putIfAbsent(partitionOf(play.partitionKey(), partitions), new String[] {play.orgId(), play.userId()});
            }
            return new EventClock(List.copyOf(orgs.values()), List.copyOf(listeners.values()));
        }
    }

    /** The partition Kafka's default partitioner gives a record with this key (the events' {@code partitionKey()}). */
    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Waits until the orgs' {@code api_calls} day ledgers equal {@code truth}. */
    private static void awaitLedger(Map<String, Long> truth, String what, String... orgs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Map<String, Long> seen = apiCallsLedger(orgs);
        while (!seen.equals(truth) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            seen = apiCallsLedger(orgs);
        }
        assertThat(seen).as(what).isEqualTo(truth);
    }

    private static Map<String, Long> apiCallsLedger(String... orgs) {
        Map<String, Long> out = new HashMap<>(ledger(orgs));
        out.keySet().removeIf(k -> !k.contains(":ledger:api_calls:d:"));
        return out;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Usage events for two orgs (a third for {@code orgB}), sent from a thread of its own at {@link #FEED_EVENTS_PER_SECOND}
     * in event-time order from {@code from} on, until {@link #stop()}, which returns the ledger's expected day totals.
     */
    private static final class UsageFeed implements AutoCloseable {
        private final Map<String, Long> truth = new HashMap<>();
        private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final CompletableFuture<Instant> last;

        UsageFeed(PlatformConfig c, Instant from, long seed, String orgA, String orgB) {
            UsageDraws draws = new UsageDraws(truth, from, seed, orgA, orgB);
            last = CompletableFuture.supplyAsync(() -> {
                int perTick = FEED_EVENTS_PER_SECOND / 20;
                try (KafkaEventPublisher publisher = new KafkaEventPublisher(c)) {
                    while (running.get()) {
                        for (int n = 0; n < perTick; n++) {
                            publisher.publish(draws.next());
                        }
                        sent.addAndGet(perTick);
                        publisher.flush();
                        Thread.sleep(50);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return draws.last();
            });
        }

        long sent() {
            return sent.get();
        }

        /** Stops sending; the expected ledger of everything sent (the feed's thread wrote it, and has ended). */
        Map<String, Long> stop() throws Exception {
            running.set(false);
            last.get(1, TimeUnit.MINUTES);
            return truth;
        }

        Instant lastEventTime() {
            return last.join();
        }

        @Override
        public void close() {
            running.set(false);
        }
    }

    /** The ledger's day keys of the two orgs with their values. */
    private static Map<String, Long> ledger(String... orgs) {
        Map<String, Long> out = new HashMap<>();
        for (String org : orgs) {
            ScanParams match = new ScanParams().match(RedisKeys.org(org) + ":ledger:*:d:*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = REDIS.jedis().scan(cursor, match);
                for (String key : page.getResult()) {
                    out.put(key, Long.parseLong(REDIS.jedis().get(key)));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return out;
    }

    private static String awaitRunningJob(CompletableFuture<?> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !run.isDone()) {
            Optional<JsonNode> jobs = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/overview");
            for (JsonNode j : jobs.map(n -> n.path("jobs")).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance())) {
                if (j.path("state").asText().equals("RUNNING") && j.path("name").asText().startsWith("tunetrail ")) {
                    return j.path("jid").asText();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no streaming job ran on the cluster; done early: " + run.isDone());
    }

    private static void awaitCompletedCheckpoint(String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode counts = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        while (System.nanoTime() < deadline) {
            counts = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/" + job + "/checkpoints").map(c -> c.path("counts")).orElse(counts);
            if (counts.path("completed").asInt() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint of job " + job + " completed within 2 minutes: " + counts);
    }

    /**
     * The cluster's name of a TaskManager that runs a task of the job ({@code flink-taskmanager-N}), one still running:
     * on a loaded machine the bounded sources can have read everything and finished before the first checkpoint, and
     * losing a TaskManager that holds only finished tasks restarts nothing.
     */
    private static String taskManagerRunning(String job) {
        JsonNode detail = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/" + job).orElseThrow();
        for (JsonNode vertex : detail.path("vertices")) {
            JsonNode tms = ClusterHttp.get(cluster.flinkRestUrl() + "/jobs/" + job + "/vertices/" + vertex.path("id").asText()
                    + "/taskmanagers").orElseThrow();
            for (JsonNode tm : tms.path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (id.startsWith("tunetrail-tm-") && tm.path("status").asText().equals("RUNNING")) {
                    return "flink-taskmanager-" + id.substring("tunetrail-tm-".length());
                }
            }
        }
        throw new AssertionError("no TaskManager runs a task of " + job + ": " + detail);
    }
}
