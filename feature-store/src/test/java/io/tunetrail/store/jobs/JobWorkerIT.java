package io.tunetrail.store.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.registry.TrainingRequest;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The standing worker against the real PostgreSQL, with workers as threads (or, to be killed, a JVM of their own) and a
 * fast fake kind of job over the training requests' table in place of Spark training.
 */
class JobWorkerIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final PlanCatalog PLANS = PlanCatalog.load();

    private HikariDataSource pool;
    private TrainingQueue queue;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<JobWorker> workers = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    /** A job kind whose runs are a function of the test's choosing; it counts runs per job. */
    private static final class FakeKind implements JobKind {
        interface Body {
            Map<String, Object> run(LeasedJob job, JobControl control) throws Exception;
        }

        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
        private final Body body;

        FakeKind(Body body) {
            this.body = body;
        }

        @Override
        public JobTable table() {
            return JobTable.TRAINING;
        }

        @Override
        public Map<String, Object> run(LeasedJob job, JobControl control) throws Exception {
            runs.computeIfAbsent(job.jobId(), k -> new AtomicInteger()).incrementAndGet();
            started.add(job.jobId());
            return body.run(job, control);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        pool = Database.connect(DB.config(), 12);
        queue = new TrainingQueue(pool, PLANS);
        DB.execute("DELETE FROM training_requests");
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.forEach(JobWorker::stop);
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.SECONDS);
        pool.close();
    }

    @Test
    void twoWorkersNeverRunAJobTwice() throws Exception {
        List<String> orgs = orgs(5);
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            jobs.add(queue.submit(orgs.get(i % orgs.size()), "als", Map.of(), null).requestId());
        }
        FakeKind kind = new FakeKind((job, control) -> {
            Thread.sleep(30);
            return versionFor(job);
        });
        Future<JobWorker.Summary> a = start(worker("a", kind, 3, true, Duration.ofSeconds(30)));
        Future<JobWorker.Summary> b = start(worker("b", kind, 3, true, Duration.ofSeconds(30)));
        int succeeded = a.get(60, TimeUnit.SECONDS).succeeded() + b.get(60, TimeUnit.SECONDS).succeeded();

        assertThat(succeeded).isEqualTo(15);
        assertThat(kind.runs.keySet()).containsExactlyInAnyOrderElementsOf(jobs);
        assertThat(kind.runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        for (String org : orgs) {
            assertThat(queue.list(org)).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(TrainingRequest.Status.SUCCEEDED);
                assertThat(r.worker()).isIn("a", "b");
                assertThat(r.percent()).isEqualTo(100);
            });
        }
    }

    @Test
    void aHigherPriorityJobQueuedLaterRunsFirst() throws Exception {
        String standard = DB.newOrg("enterprise");
        String early = insertQueued(standard, PlanCatalog.JobPriority.STANDARD);
        Thread.sleep(20);
        String late = queue.submit(DB.newOrg("enterprise"), "als", Map.of(), null).requestId();
        FakeKind kind = new FakeKind((job, control) -> versionFor(job));
        start(worker("solo", kind, 1, true, Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS);
        assertThat(PLANS.plan("enterprise").priority()).isEqualTo(PlanCatalog.JobPriority.CRITICAL);
        assertThat(kind.started).containsExactly(late, early);
    }

    @Test
    void anOrgAtItsConcurrencyLimitWaitsWhileOthersProceed() throws Exception {
        String busy = DB.newOrg("enterprise");
        int limit = PLANS.plan("enterprise").concurrency();
        for (int i = 0; i < limit + 2; i++) {
            queue.submit(busy, "als", Map.of(), null);
        }
        Thread.sleep(20);
        String other = DB.newOrg("enterprise");
        String othersJob = queue.submit(other, "als", Map.of(), null).requestId();
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicInteger mostOfBusy = new AtomicInteger();
        FakeKind kind = new FakeKind((job, control) -> {
            int now = inFlight.computeIfAbsent(job.orgId(), k -> new AtomicInteger()).incrementAndGet();
            if (job.orgId().equals(busy)) {
                mostOfBusy.accumulateAndGet(now, Math::max);
            }
            release.await(30, TimeUnit.SECONDS);
            inFlight.get(job.orgId()).decrementAndGet();
            return versionFor(job);
        });
        Future<JobWorker.Summary> done = start(worker("wide", kind, limit + 3, true, Duration.ofSeconds(30)));
        await(() -> kind.started.size() == limit + 1, "the limit's worth of the busy org's jobs and the other org's job");
        Thread.sleep(500); // a few more polls: nothing else may start
        assertThat(kind.started).hasSize(limit + 1).contains(othersJob);
        assertThat(queue.list(busy)).filteredOn(r -> r.status() == TrainingRequest.Status.QUEUED).hasSize(2);
        release.countDown();
        assertThat(done.get(60, TimeUnit.SECONDS).succeeded()).isEqualTo(limit + 3);
        assertThat(mostOfBusy.get()).isEqualTo(limit);
    }

    @Test
    void aQueuedJobCancelledNeverRunsAndARunningOneStopsAtItsNextHeartbeat() throws Exception {
        String org = DB.newOrg("enterprise");
        String cancelledEarly = queue.submit(org, "als", Map.of(), null).requestId();
        queue.cancel(org, cancelledEarly);
        String running = queue.submit(org, "als", Map.of(), null).requestId();
        FakeKind kind = new FakeKind((job, control) -> {
            for (int step = 0; !control.stopping(); step++) {
                control.progress("step " + step, Math.min(99, step + 1)); // positive from the first report: the test may see any of them
                Thread.sleep(20);
            }
            return versionFor(job);
        });
        Future<JobWorker.Summary> done = start(worker("canceller", kind, 1, false, Duration.ofSeconds(30)));
        await(() -> String.valueOf(queue.get(org, running).orElseThrow().stage()).startsWith("step"), "the running job's progress through the queue");
        TrainingRequest progress = queue.get(org, running).orElseThrow();
        assertThat(progress.status()).isEqualTo(TrainingRequest.Status.RUNNING);
        assertThat(progress.worker()).isEqualTo("canceller");
        assertThat(progress.attempts()).isEqualTo(1);
        assertThat(progress.percent()).isPositive();

        queue.cancel(org, running);
        await(() -> log.stream().anyMatch(l -> l.contains(running) && l.contains("cancelled")), "the worker stopping the job");
        workers.get(0).stop();
        JobWorker.Summary summary = done.get(30, TimeUnit.SECONDS);
        assertThat(summary.cancelled()).isEqualTo(1);
        assertThat(summary.succeeded()).isZero();
        assertThat(kind.runs).doesNotContainKey(cancelledEarly);
        assertThat(queue.get(org, running).orElseThrow().status()).isEqualTo(TrainingRequest.Status.CANCELLED);
    }

    @Test
    void aFailedJobIsRetriedAfterItsBackoffAndBadInputFailsAtOnce() throws Exception {
        String org = DB.newOrg("enterprise");
        String flaky = queue.submit(org, "als", Map.of(), null).requestId();
        String bad = queue.submit(org, "als", Map.of(), null).requestId();
        FakeKind kind = new FakeKind((job, control) -> {
            if (job.jobId().equals(bad)) {
                throw new IllegalArgumentException("unknown training param 'depth'");
            }
            if (job.attempts() == 1) {
                throw new IllegalStateException("the executor was lost");
            }
            return versionFor(job);
        });
        long start = System.nanoTime();
        JobWorker.Summary summary = start(worker("retrier", kind, 1, true, Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS);
        assertThat(summary.retried()).isEqualTo(1);
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.succeeded()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the backoff").isGreaterThan(BACKOFF.base());
        TrainingRequest retried = queue.get(org, flaky).orElseThrow();
        assertThat(retried.status()).isEqualTo(TrainingRequest.Status.SUCCEEDED);
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.error()).as("the failed attempt's reason stays visible").isEqualTo("the executor was lost");
        TrainingRequest refused = queue.get(org, bad).orElseThrow();
        assertThat(refused.status()).isEqualTo(TrainingRequest.Status.FAILED);
        assertThat(refused.attempts()).as(String.join("\n", log)).isEqualTo(1);
        assertThat(refused.error()).contains("depth");
    }

    @Test
    void aStoppingWorkerReleasesTheJobItCouldNotFinish() throws Exception {
        String org = DB.newOrg("enterprise");
        String job = queue.submit(org, "als", Map.of(), null).requestId();
        FakeKind kind = new FakeKind((leased, control) -> {
            while (!control.stopping()) {
                Thread.sleep(10);
            }
            throw new InterruptedException("stopped");
        });
        Future<JobWorker.Summary> done = start(worker("stopper", kind, 1, false, Duration.ofSeconds(30)));
        await(() -> kind.started.contains(job), "the job to start");
        workers.get(0).stop();
        assertThat(done.get(30, TimeUnit.SECONDS).released()).isEqualTo(1);
        TrainingRequest back = queue.get(org, job).orElseThrow();
        assertThat(back.status()).isEqualTo(TrainingRequest.Status.QUEUED);
        assertThat(back.attempts()).as("a release is not a failed attempt").isZero();
        assertThat(queue.claimNext()).as("claimable at once").isPresent();
    }

    @Test
    void aWorkerKilledMidJobLosesItsLeaseAndAnotherFinishesTheJob() throws Exception {
        String org = DB.newOrg("enterprise");
        String job = queue.submit(org, "als", Map.of(), null).requestId();
        Process doomed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SleepyWorkerMain.class.getName(), DB.name(), "doomed")
                .redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Boolean> sleeping = CompletableFuture.supplyAsync(() -> new BufferedReader(new InputStreamReader(
                doomed.getInputStream(), StandardCharsets.UTF_8)).lines().peek(output::add).anyMatch(("sleeping " + job)::equals));
        try {
            // Its stdout, not the queue's stage column, says it runs the job: under load its first heartbeat (which
            // carries the stage) can come after its 1 s lease and be refused. The generous wait is for a JVM starting
            // on a loaded machine; it costs nothing when the JVM is quick.
            assertThat(sleeping.get(120, TimeUnit.SECONDS)).as("the other JVM ran the job; its output: %s", output).isTrue();
            assertThat(queue.get(org, job).orElseThrow().worker()).isEqualTo("doomed");
        } finally {
            doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        FakeKind kind = new FakeKind((leased, control) -> versionFor(leased));
        JobWorker.Summary summary = start(worker("survivor", kind, 1, true, Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS);
        assertThat(summary.succeeded()).isEqualTo(1);
        TrainingRequest done = queue.get(org, job).orElseThrow();
        assertThat(done.status()).isEqualTo(TrainingRequest.Status.SUCCEEDED);
        assertThat(done.worker()).isEqualTo("survivor");
        assertThat(done.attempts()).isEqualTo(2);
    }

    static final JobLeases.Backoff BACKOFF = new JobLeases.Backoff(Duration.ofMillis(300), Duration.ofSeconds(5));

    private JobWorker worker(String id, JobKind kind, int maxJobs, boolean once, Duration lease) {
        JobWorker w = new JobWorker(pool, PLANS, List.of(kind), new JobWorker.Options(id, maxJobs, Duration.ofMillis(50), once, lease,
                Duration.ofMillis(100), BACKOFF), log::add);
        workers.add(w);
        return w;
    }

    private Future<JobWorker.Summary> start(JobWorker w) {
        return threads.submit(w::run);
    }

    private Map<String, Object> versionFor(LeasedJob job) {
        return Map.of("model_version_id", new ModelRegistry(pool, PLANS).register(job.orgId(), "als", Map.of(), Map.of()).id());
    }

    private static List<String> orgs(int n) throws Exception {
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            orgs.add(DB.newOrg("enterprise"));
        }
        return orgs;
    }

    /** A request as a lower plan's job would be queued (only enterprise may ask for training in the shipped catalog). */
    private static String insertQueued(String org, PlanCatalog.JobPriority priority) throws Exception {
        String id = "tr_low_" + System.nanoTime();
        DB.execute("INSERT INTO training_requests (org_id, request_id, algorithm, priority) VALUES ('" + org + "', '" + id
                + "', 'als', " + priority.rank() + ")");
        return id;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
