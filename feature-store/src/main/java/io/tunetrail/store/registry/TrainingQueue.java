package io.tunetrail.store.registry;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.costs.CostCap;
import io.tunetrail.store.costs.CostCapReached;
import io.tunetrail.store.jobs.JobLeases;
import io.tunetrail.store.jobs.JobTable;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The queue of custom training requests: the API {@link #submit submits} for an org whose plan allows it, the
 * batch side {@link #claimNext claims} the most urgent one (plan priority, then age), runs the same jobs as the
 * nightly chain on that org's data and reports {@link #succeeded} or {@link #failed}.
 *
 * <p>Claiming uses {@code FOR UPDATE SKIP LOCKED}, so several workers can drain the queue without taking the same
 * request twice, and leases the request to this queue's worker until a time ({@code lease_expires_at}, migration
 * V55) that the worker pushes forward with {@link #renewLease} while it runs. A request whose lease expired (its
 * worker died) is claimable again; the old worker's finish is then refused, so a request never runs to two results.
 * After {@link #MAX_ATTEMPTS} expired leases a request fails instead of being claimed again. Requests are checked
 * against {@link TrainingParams} before they are queued.
 */
public final class TrainingQueue {
    private static final String COLUMNS = "org_id, request_id, algorithm, params, priority, status, requested_by_key, "
            + "model_version_id, error, created_at, started_at, finished_at, attempts, leased_by, stage, percent, not_before, updated_at";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CUSTOM_TRAINING = "custom_model_training";

    /** Claims of one request before it fails for good (failed attempts and expired leases both count). */
    public static final int MAX_ATTEMPTS = JobLeases.MAX_ATTEMPTS;
    /** The retry delays of a queue made without any: half a minute, doubling, at most an hour. */
    public static final JobLeases.Backoff DEFAULT_BACKOFF = new JobLeases.Backoff(Duration.ofSeconds(30), Duration.ofHours(1));
    /** The lease of a queue made without one: long enough for the model chain on one org between renewals. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(15);

    private final DataSource dataSource;
    private final PlanCatalog plans;
    private final JobLeases leases;
    private final CostCap costCap;

    /** A queue for submitting and reading, and for claiming as a worker of its own with the default lease. */
    public TrainingQueue(DataSource dataSource, PlanCatalog plans) {
        this(dataSource, plans, "worker-" + HexFormat.of().formatHex(randomBytes()), DEFAULT_LEASE);
    }

    /** A queue whose submissions are admitted by the org's cost cap ({@link CostCap}): what the API submits through. */
    public TrainingQueue(DataSource dataSource, PlanCatalog plans, CostCap costCap) {
        this(dataSource, plans, "worker-" + HexFormat.of().formatHex(randomBytes()), DEFAULT_LEASE, DEFAULT_BACKOFF, costCap);
    }

    /** A queue whose claims are leased to {@code worker} for {@code lease} at a time. */
    public TrainingQueue(DataSource dataSource, PlanCatalog plans, String worker, Duration lease) {
        this(dataSource, plans, worker, lease, DEFAULT_BACKOFF);
    }

    /** A queue whose failed attempts are retried after {@code backoff}. */
    public TrainingQueue(DataSource dataSource, PlanCatalog plans, String worker, Duration lease, JobLeases.Backoff backoff) {
        this(dataSource, plans, worker, lease, backoff, null);
    }

    private TrainingQueue(DataSource dataSource, PlanCatalog plans, String worker, Duration lease, JobLeases.Backoff backoff,
            CostCap costCap) {
        this.dataSource = dataSource;
        this.plans = plans;
        this.leases = new JobLeases(dataSource, plans, JobTable.TRAINING, worker, lease, backoff);
        this.costCap = costCap;
    }

    public String worker() {
        return leases.worker();
    }

    /** The lease side of this queue, for the worker. */
    public JobLeases leases() {
        return leases;
    }

    /**
     * Queues a request with the org's plan priority. Refused (INVALID) when the org's plan has no training priority,
     * i.e. does not include custom training; with a {@link CostCap}, refused ({@link CostCapReached}) at the org's
     * hard-stop cost cap, decided under the org's lock in the transaction that queues the request (its hold).
     */
    public TrainingRequest submit(String orgId, String algorithm, Map<String, Object> params, String requestedByKey) {
        TrainingParams.problem(algorithm, params).ifPresent(p -> {
            throw StoreException.invalid(p.detail(), "Send params within the bounds of TrainingParams (see /api/docs)");
        });
        return run("queueing a training request", c -> Database.inTransaction(c, tx -> {
            String planId = costCap == null ? planOf(tx, orgId) : costCap.admit(tx, orgId);
            PlanCatalog.Plan plan = plans.plan(planId);
            if (!plan.hasFeature(CUSTOM_TRAINING)) {
                throw StoreException.invalid("plan " + planId + " does not include custom model training",
                        "Custom training is part of the plans with the " + CUSTOM_TRAINING + " feature in config/plans.yaml");
            }
            int priority = plan.priority().rank();
            String requestId = "tr_" + HexFormat.of().formatHex(randomBytes());
            return query(tx, "INSERT INTO training_requests (org_id, request_id, algorithm, params, priority, requested_by_key) "
                    + "VALUES (?, ?, ?, ?::jsonb, ?, ?) RETURNING " + COLUMNS,
                    orgId, requestId, algorithm, ModelRegistry.json(params), priority, requestedByKey).get(0);
        }));
    }

    /** One of the org's requests; empty for an unknown id or another org's. */
    public Optional<TrainingRequest> get(String orgId, String requestId) {
        return run("reading a training request", c -> query(c, "SELECT " + COLUMNS + " FROM training_requests "
                + "WHERE org_id = ? AND request_id = ?", orgId, requestId).stream().findFirst());
    }

    /** The org's requests, newest first. */
    public List<TrainingRequest> list(String orgId) {
        return run("listing training requests", c -> query(c, "SELECT " + COLUMNS + " FROM training_requests WHERE org_id = ? "
                + "ORDER BY created_at DESC, request_id", orgId));
    }

    /**
     * Cancels a queued or running request; a finished one is returned as it is. A running one's worker learns of it at
     * its next heartbeat and stops; its late result is refused, since the request is no longer running.
     */
    public TrainingRequest cancel(String orgId, String requestId) {
        return run("cancelling a training request", c -> Database.inTransaction(c, tx -> {
            TrainingRequest r = query(tx, "SELECT " + COLUMNS + " FROM training_requests WHERE org_id = ? AND request_id = ? FOR UPDATE",
                    orgId, requestId).stream().findFirst().orElseThrow(() -> StoreException.notFound(
                            "there is no training request " + requestId + " in this org", "List the org's requests (GET /api/v1/models/train)"));
            if (r.status().isFinal()) {
                return r;
            }
            return query(tx, "UPDATE training_requests SET status = 'cancelled', finished_at = now() WHERE org_id = ? AND request_id = ? "
                    + "RETURNING " + COLUMNS, orgId, requestId).get(0);
        }));
    }

    /**
     * Takes the most urgent claimable request ({@link JobLeases#claimNext}: plan priority, then age, orgs under their
     * plan's concurrency), marks it running and leases it to this queue's worker; empty when there is nothing to take.
     */
    public Optional<TrainingRequest> claimNext() {
        return leases.claimNext().flatMap(job -> get(job.orgId(), job.jobId()));
    }

    /**
     * Pushes this worker's lease on a running request one lease length from now; false when the lease is lost (another
     * worker claimed the request after it expired, it was cancelled, or it finished): then the caller must stop.
     */
    public boolean renewLease(String orgId, String requestId) {
        return leases.heartbeat(orgId, requestId, null, null) == JobLeases.Heartbeat.HELD;
    }

    /** Records that a running request leased to this worker produced {@code modelVersionId}. */
    public TrainingRequest succeeded(String orgId, String requestId, long modelVersionId) {
        if (!leases.succeeded(orgId, requestId, Map.of("model_version_id", modelVersionId))) {
            throw notRunningHere(orgId, requestId);
        }
        return get(orgId, requestId).orElseThrow();
    }

    /** Records that a running request leased to this worker failed for good, and why (shown to the customer). */
    public TrainingRequest failed(String orgId, String requestId, String error) {
        leases.failed(orgId, requestId, error, false);
        return get(orgId, requestId).orElseThrow();
    }

    private StoreException notRunningHere(String orgId, String requestId) {
        return StoreException.conflict("training request " + requestId + " of " + orgId + " is not running under worker " + worker(),
                "Only the worker holding a running request's lease can finish it; a worker whose lease expired must drop its result");
    }

    /** The org's plan id; not found when there is no such org. */
    static String planOf(Connection c, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT plan_id FROM organisations WHERE org_id = ?")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw StoreException.notFound("there is no org '" + orgId + "'", "Create it first (./tunetrail admin org create)");
                }
                return rs.getString(1);
            }
        }
    }

    private static String prefixed(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    private static List<TrainingRequest> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<TrainingRequest> out = new ArrayList<>();
                while (rs.next()) {
                    long version = rs.getLong("model_version_id");
                    Long versionId = rs.wasNull() ? null : version;
                    out.add(new TrainingRequest(rs.getString("org_id"), rs.getString("request_id"), rs.getString("algorithm"),
                            ModelRegistry.map(rs.getString("params")), rs.getInt("priority"),
                            TrainingRequest.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)), rs.getString("requested_by_key"),
                            versionId, rs.getString("error"), instant(rs.getTimestamp("created_at")),
                            instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at")), rs.getInt("attempts"),
                            rs.getString("leased_by"), rs.getString("stage"), (Integer) rs.getObject("percent", Integer.class),
                            instant(rs.getTimestamp("not_before")), instant(rs.getTimestamp("updated_at"))));
                }
                return out;
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private <T> T run(String action, Database.SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase(action, e);
        }
    }
}
