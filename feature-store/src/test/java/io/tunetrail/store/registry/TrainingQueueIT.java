package io.tunetrail.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.jobs.JobLeases;
import io.tunetrail.store.testing.FreshDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrainingQueueIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private TrainingQueue queue;
    private ModelRegistry registry;
    private String enterprise;

    @BeforeEach
    void setUp() throws SQLException {
        queue = new TrainingQueue(DB.dataSource(), PlanCatalog.load());
        registry = new ModelRegistry(DB.dataSource(), PlanCatalog.load());
        DB.execute("DELETE FROM training_requests");
        enterprise = DB.newOrg("enterprise");
    }

    @Test
    void onlyPlansWithATrainingPriorityMayQueue() throws SQLException {
        String starter = DB.newOrg("starter");
        assertThatThrownBy(() -> queue.submit(starter, "als", Map.of(), null)).isInstanceOf(StoreException.class)
                .hasMessageContaining("does not include custom model training");
        TrainingRequest r = queue.submit(enterprise, "als", Map.of("rank", 64), "key-1");
        assertThat(r.status()).isEqualTo(TrainingRequest.Status.QUEUED);
        assertThat(r.priority()).isEqualTo(PlanCatalog.load().plan("enterprise").priority().rank());
        assertThat(r.params()).containsEntry("rank", 64);
        assertThat(queue.list(enterprise)).extracting(TrainingRequest::requestId).containsExactly(r.requestId());
    }

    @Test
    void theMostUrgentRequestIsClaimedFirstAndRunsToAnEnd() throws SQLException {
        TrainingRequest older = queue.submit(enterprise, "als", Map.of(), null);
        TrainingRequest newer = queue.submit(enterprise, "als", Map.of(), null);
        DB.execute("UPDATE training_requests SET priority = priority - 2 WHERE request_id = '" + older.requestId() + "'");

        TrainingRequest claimed = queue.claimNext().orElseThrow();
        assertThat(claimed.requestId()).isEqualTo(newer.requestId());
        assertThat(claimed.status()).isEqualTo(TrainingRequest.Status.RUNNING);
        ModelVersion version = registry.register(enterprise, "als", Map.of(), Map.of());
        assertThat(queue.succeeded(enterprise, claimed.requestId(), version.id()).modelVersionId()).isEqualTo(version.id());

        assertThat(queue.claimNext()).hasValueSatisfying(r -> assertThat(r.requestId()).isEqualTo(older.requestId()));
        assertThat(queue.failed(enterprise, older.requestId(), "no interactions for this org").error()).contains("no interactions");
        assertThat(queue.claimNext()).isEmpty();
        assertThatThrownBy(() -> queue.succeeded(enterprise, older.requestId(), version.id()))
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.CONFLICT);
    }

    @Test
    void concurrentWorkersNeverClaimTheSameRequest() throws Exception {
        List<String> submitted = new ArrayList<>();
        // Spread over orgs so that the plan's concurrency (jobs running at once per org) admits all of them.
        List<String> orgs = new ArrayList<>(List.of(enterprise));
        while (orgs.size() * PlanCatalog.load().plan("enterprise").concurrency() < 20) {
            orgs.add(DB.newOrg("enterprise"));
        }
        for (int i = 0; i < 20; i++) {
            submitted.add(queue.submit(orgs.get(i % orgs.size()), "als", Map.of(), null).requestId());
        }
        ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                done.add(workers.submit(() -> {
                    Optional<TrainingRequest> next;
                    while ((next = queue.claimNext()).isPresent()) {
                        claimed.add(next.get().requestId());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            workers.shutdown();
        }
        assertThat(claimed).hasSize(20).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(submitted);
    }

    @Test
    void cancellingStopsQueuedAndRunningRequestsOfTheOrgOnly() throws SQLException {
        TrainingRequest queued = queue.submit(enterprise, "als", Map.of(), null);
        String other = DB.newOrg("enterprise");
        assertThatThrownBy(() -> queue.cancel(other, queued.requestId()))
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.NOT_FOUND);
        assertThat(queue.get(other, queued.requestId())).isEmpty();
        assertThat(queue.cancel(enterprise, queued.requestId()).status()).isEqualTo(TrainingRequest.Status.CANCELLED);
        assertThat(queue.claimNext()).isEmpty();

        TrainingRequest running = queue.submit(enterprise, "als", Map.of(), null);
        queue.claimNext();
        assertThat(queue.cancel(enterprise, running.requestId()).status()).isEqualTo(TrainingRequest.Status.CANCELLED);
        assertThat(queue.leases().heartbeat(enterprise, running.requestId(), "als", 50)).isEqualTo(JobLeases.Heartbeat.CANCELLED);
        ModelVersion version = registry.register(enterprise, "als", Map.of(), Map.of());
        assertThatThrownBy(() -> queue.succeeded(enterprise, running.requestId(), version.id()))
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.CONFLICT);
        assertThat(queue.get(enterprise, running.requestId()).orElseThrow().status()).isEqualTo(TrainingRequest.Status.CANCELLED);
    }

    @Test
    void racingWorkersNeverRunMoreOfAnOrgsJobsThanItsPlanAllowsWhileOtherOrgsProceed() throws Exception {
        int limit = PlanCatalog.load().plan("enterprise").concurrency();
        for (int i = 0; i < limit + 5; i++) {
            queue.submit(enterprise, "als", Map.of(), null);
        }
        String other = DB.newOrg("enterprise");
        TrainingRequest others = queue.submit(other, "als", Map.of(), null);
        ConcurrentLinkedQueue<TrainingRequest> claimed = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                TrainingQueue worker = worker("racer-" + w, Duration.ofMinutes(5));
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        worker.claimNext().ifPresent(claimed::add);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(claimed.stream().filter(r -> r.orgId().equals(enterprise))).hasSize(limit);
        assertThat(claimed).extracting(TrainingRequest::requestId).contains(others.requestId()).doesNotHaveDuplicates();
    }

    @Test
    void aFailedAttemptIsRetriedAfterABackoffThatDoublesAndBadInputFailsAtOnce() throws Exception {
        TrainingRequest r = queue.submit(enterprise, "als", Map.of(), null);
        TrainingQueue w = new TrainingQueue(DB.dataSource(), PlanCatalog.load(), "retrier", Duration.ofMinutes(1),
                new JobLeases.Backoff(Duration.ofMillis(300), Duration.ofMinutes(1)));
        w.claimNext().orElseThrow();
        JobLeases.Failure first = w.leases().failed(enterprise, r.requestId(), "Spark ran out of memory", true);
        assertThat(first.retried()).isTrue();
        TrainingRequest waiting = queue.get(enterprise, r.requestId()).orElseThrow();
        assertThat(waiting.status()).isEqualTo(TrainingRequest.Status.QUEUED);
        assertThat(waiting.attempts()).isEqualTo(1);
        assertThat(waiting.error()).isEqualTo("Spark ran out of memory");
        assertThat(Duration.between(waiting.updatedAt(), waiting.notBefore()).toMillis()).isBetween(250L, 350L);
        assertThat(w.claimNext()).as("inside the backoff").isEmpty();
        Thread.sleep(400);
        w.claimNext().orElseThrow(() -> new AssertionError("not retried after the backoff"));
        JobLeases.Failure second = w.leases().failed(enterprise, r.requestId(), "again", true);
        TrainingRequest again = queue.get(enterprise, r.requestId()).orElseThrow();
        assertThat(Duration.between(again.updatedAt(), again.notBefore()).toMillis()).as("doubled").isBetween(550L, 650L);
        assertThat(second.retried()).isTrue();
        Thread.sleep(700);
        w.claimNext().orElseThrow();
        assertThat(w.leases().failed(enterprise, r.requestId(), "third time", true).retried()).as("attempts used up").isFalse();
        assertThat(queue.get(enterprise, r.requestId()).orElseThrow().status()).isEqualTo(TrainingRequest.Status.FAILED);

        TrainingRequest bad = queue.submit(enterprise, "als", Map.of(), null);
        w.claimNext().orElseThrow();
        assertThat(w.leases().failed(enterprise, bad.requestId(), "unknown param", false).retried()).isFalse();
        assertThat(queue.get(enterprise, bad.requestId()).orElseThrow().status()).isEqualTo(TrainingRequest.Status.FAILED);
    }

    @Test
    void twoWorkersRacingForOneRequestGetItOnceAndTheLoserFindsNothing() throws Exception {
        TrainingRequest only = queue.submit(enterprise, "als", Map.of(), null);
        List<TrainingQueue> workers = List.of(worker("w1", Duration.ofMinutes(5)), worker("w2", Duration.ofMinutes(5)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Optional<TrainingRequest>>> claims = new ArrayList<>();
            for (TrainingQueue w : workers) {
                claims.add(pool.submit(w::claimNext));
            }
            List<String> won = new ArrayList<>();
            for (Future<Optional<TrainingRequest>> f : claims) {
                f.get().ifPresent(r -> won.add(r.requestId()));
            }
            assertThat(won).containsExactly(only.requestId());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anExpiredLeaseLetsAnotherWorkerTakeTheRequestAndTheFirstCannotFinishIt() throws Exception {
        TrainingRequest r = queue.submit(enterprise, "als", Map.of(), null);
        TrainingQueue first = worker("first", Duration.ofMillis(400));
        TrainingQueue second = worker("second", Duration.ofMinutes(5));
        assertThat(first.claimNext()).hasValueSatisfying(c -> assertThat(c.requestId()).isEqualTo(r.requestId()));
        assertThat(second.claimNext()).as("leased to the first worker").isEmpty();

        Thread.sleep(700);
        TrainingRequest taken = second.claimNext().orElseThrow(() -> new AssertionError("the expired lease was not taken over"));
        assertThat(taken.requestId()).isEqualTo(r.requestId());
        assertThat(lease(r.requestId())).containsExactly("second", "2");
        assertThat(first.renewLease(enterprise, r.requestId())).as("the first worker lost its lease").isFalse();

        ModelVersion version = registry.register(enterprise, "als", Map.of(), Map.of());
        assertThatThrownBy(() -> first.succeeded(enterprise, r.requestId(), version.id()))
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.CONFLICT);
        assertThat(second.succeeded(enterprise, r.requestId(), version.id()).status()).isEqualTo(TrainingRequest.Status.SUCCEEDED);
    }

    @Test
    void aRenewedLeaseKeepsOtherWorkersOff() throws Exception {
        TrainingRequest r = queue.submit(enterprise, "als", Map.of(), null);
        TrainingQueue holder = worker("holder", Duration.ofMillis(600));
        holder.claimNext().orElseThrow();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(250);
            assertThat(holder.renewLease(enterprise, r.requestId())).isTrue();
        }
        assertThat(worker("other", Duration.ofMinutes(1)).claimNext()).as("1 s after the claim, past the first lease's end").isEmpty();
    }

    @Test
    void aRequestWhoseWorkerDiesEveryTimeFailsAfterMaxAttempts() throws Exception {
        TrainingRequest r = queue.submit(enterprise, "als", Map.of(), null);
        for (int i = 1; i <= TrainingQueue.MAX_ATTEMPTS; i++) {
            assertThat(worker("dies-" + i, Duration.ofMillis(1)).claimNext()).as("claim " + i).isPresent();
            Thread.sleep(20);
        }
        assertThat(worker("next", Duration.ofMinutes(1)).claimNext()).isEmpty();
        TrainingRequest failed = queue.get(enterprise, r.requestId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(TrainingRequest.Status.FAILED);
        assertThat(failed.error()).contains("stopped " + TrainingQueue.MAX_ATTEMPTS + " times");
    }

    @Test
    void paramsOutOfBoundsAreNeverQueued() {
        assertThatThrownBy(() -> queue.submit(enterprise, "als", Map.of("rank", 100_000), null))
                .isInstanceOf(StoreException.class).hasMessageContaining("params.rank")
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.INVALID);
        assertThat(queue.list(enterprise)).isEmpty();
    }

    private TrainingQueue worker(String name, Duration lease) {
        return new TrainingQueue(DB.dataSource(), PlanCatalog.load(), name, lease);
    }

    private static List<String> lease(String requestId) {
        try (java.sql.Connection c = DB.dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT leased_by, attempts FROM training_requests WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of(rs.getString(1), String.valueOf(rs.getInt(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
