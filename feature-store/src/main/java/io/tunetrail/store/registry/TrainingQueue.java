package io.tunetrail.store.registry;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
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
            + "model_version_id, error, created_at, started_at, finished_at";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Claims of one request before it fails for good: each expired lease means a worker died running it. */
    public static final int MAX_ATTEMPTS = 3;
    /** The lease of a queue made without one: long enough for the model chain on one org between renewals. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(15);

    private final DataSource dataSource;
    private final PlanCatalog plans;
    private final String worker;
    private final Duration lease;

    /** A queue for submitting and reading, and for claiming as a worker of its own with the default lease. */
    public TrainingQueue(DataSource dataSource, PlanCatalog plans) {
        this(dataSource, plans, "worker-" + HexFormat.of().formatHex(randomBytes()), DEFAULT_LEASE);
    }

    /** A queue whose claims are leased to {@code worker} for {@code lease} at a time. */
    public TrainingQueue(DataSource dataSource, PlanCatalog plans, String worker, Duration lease) {
        if (lease.toMillis() < 1) {
            throw StoreException.invalid("a training lease of " + lease + " is too short", "Lease requests for at least a millisecond");
        }
        this.dataSource = dataSource;
        this.plans = plans;
        this.worker = worker;
        this.lease = lease;
    }

    public String worker() {
        return worker;
    }

    /**
     * Queues a request with the org's plan priority. Refused (INVALID) when the org's plan has no training priority,
     * i.e. does not include custom training.
     */
    public TrainingRequest submit(String orgId, String algorithm, Map<String, Object> params, String requestedByKey) {
        TrainingParams.problem(algorithm, params).ifPresent(p -> {
            throw StoreException.invalid(p.detail(), "Send params within the bounds of TrainingParams (see /api/docs)");
        });
        return run("queueing a training request", c -> {
            String planId = planOf(c, orgId);
            Integer priority = plans.plan(planId).trainingPriority();
            if (priority == null) {
                throw StoreException.invalid("plan " + planId + " does not include custom model training",
                        "Custom training is part of plans with a training_priority in config/plans.yaml");
            }
            String requestId = "tr_" + HexFormat.of().formatHex(randomBytes());
            return query(c, "INSERT INTO training_requests (org_id, request_id, algorithm, params, priority, requested_by_key) "
                    + "VALUES (?, ?, ?, ?::jsonb, ?, ?) RETURNING " + COLUMNS,
                    orgId, requestId, algorithm, ModelRegistry.json(params), priority, requestedByKey).get(0);
        });
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
     * Cancels a queued request. A running one cannot be cancelled (the job does not poll for it yet): CONFLICT; a
     * finished one is returned as it is.
     */
    public TrainingRequest cancel(String orgId, String requestId) {
        return run("cancelling a training request", c -> Database.inTransaction(c, tx -> {
            TrainingRequest r = query(tx, "SELECT " + COLUMNS + " FROM training_requests WHERE org_id = ? AND request_id = ? FOR UPDATE",
                    orgId, requestId).stream().findFirst().orElseThrow(() -> StoreException.notFound(
                            "there is no training request " + requestId + " in this org", "List the org's requests (GET /api/v1/models/train)"));
            if (r.status() == TrainingRequest.Status.RUNNING) {
                throw StoreException.conflict("training request " + requestId + " is already running",
                        "Wait for it to finish; it cannot be stopped midway");
            }
            if (r.status().isFinal()) {
                return r;
            }
            return query(tx, "UPDATE training_requests SET status = 'cancelled', finished_at = now() WHERE org_id = ? AND request_id = ? "
                    + "RETURNING " + COLUMNS, orgId, requestId).get(0);
        }));
    }

    /**
     * Takes the most urgent queued request of any org (or a running one whose lease expired), marks it running and
     * leases it to this queue's worker; empty when there is nothing to take. Requests whose lease expired
     * {@link #MAX_ATTEMPTS} times fail first, with a reason the customer sees.
     */
    public Optional<TrainingRequest> claimNext() {
        return run("claiming a training request", c -> {
            query(c, "UPDATE training_requests SET status = 'failed', finished_at = now(), leased_by = NULL, lease_expires_at = NULL, "
                    + "error = 'the training worker stopped ' || attempts || ' times while running this request; it was not retried again' "
                    + "WHERE status = 'running' AND lease_expires_at < now() AND attempts >= ? RETURNING " + COLUMNS, MAX_ATTEMPTS);
            return query(c, "UPDATE training_requests t SET status = 'running', started_at = now(), leased_by = ?, "
                    + "lease_expires_at = now() + ? * interval '1 millisecond', attempts = t.attempts + 1 "
                    + "FROM (SELECT org_id, request_id FROM training_requests WHERE status = 'queued' "
                    + "OR (status = 'running' AND lease_expires_at < now()) ORDER BY priority DESC, created_at, request_id "
                    + "LIMIT 1 FOR UPDATE SKIP LOCKED) next WHERE t.org_id = next.org_id AND t.request_id = next.request_id "
                    + "RETURNING " + prefixed("t"), worker, lease.toMillis()).stream().findFirst();
        });
    }

    /**
     * Pushes this worker's lease on a running request one lease length from now; false when the lease is lost (another
     * worker claimed the request after it expired, or it finished), in which case the caller must stop working on it.
     */
    public boolean renewLease(String orgId, String requestId) {
        return !run("renewing the lease of training request " + requestId, c -> query(c, "UPDATE training_requests "
                + "SET lease_expires_at = now() + ? * interval '1 millisecond' WHERE org_id = ? AND request_id = ? "
                + "AND status = 'running' AND leased_by = ? RETURNING " + COLUMNS, lease.toMillis(), orgId, requestId, worker)).isEmpty();
    }

    /** Records that a running request leased to this worker produced {@code modelVersionId}. */
    public TrainingRequest succeeded(String orgId, String requestId, long modelVersionId) {
        return finish(orgId, requestId, "UPDATE training_requests SET status = 'succeeded', model_version_id = ?, finished_at = now(), "
                + "lease_expires_at = NULL WHERE org_id = ? AND request_id = ? AND status = 'running' AND leased_by = ? RETURNING " + COLUMNS,
                modelVersionId, orgId, requestId, worker);
    }

    /** Records that a running request leased to this worker failed, and why (shown to the customer). */
    public TrainingRequest failed(String orgId, String requestId, String error) {
        return finish(orgId, requestId, "UPDATE training_requests SET status = 'failed', error = ?, finished_at = now(), "
                + "lease_expires_at = NULL WHERE org_id = ? AND request_id = ? AND status = 'running' AND leased_by = ? RETURNING " + COLUMNS,
                error, orgId, requestId, worker);
    }

    private TrainingRequest finish(String orgId, String requestId, String sql, Object... args) {
        List<TrainingRequest> done = run("finishing training request " + requestId, c -> query(c, sql, args));
        if (done.isEmpty()) {
            throw StoreException.conflict("training request " + requestId + " of " + orgId + " is not running under worker " + worker,
                    "Only the worker holding a running request's lease can finish it; a worker whose lease expired must drop its result");
        }
        return done.get(0);
    }

    private static String planOf(Connection c, String orgId) throws SQLException {
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
                            instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at"))));
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
