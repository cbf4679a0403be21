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
 * request twice.
 */
public final class TrainingQueue {
    private static final String COLUMNS = "org_id, request_id, algorithm, params, priority, status, requested_by_key, "
            + "model_version_id, error, created_at, started_at, finished_at";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;
    private final PlanCatalog plans;

    public TrainingQueue(DataSource dataSource, PlanCatalog plans) {
        this.dataSource = dataSource;
        this.plans = plans;
    }

    /**
     * Queues a request with the org's plan priority. Refused (INVALID) when the org's plan has no training priority,
     * i.e. does not include custom training.
     */
    public TrainingRequest submit(String orgId, String algorithm, Map<String, Object> params, String requestedByKey) {
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

    /** Takes the most urgent queued request of any org and marks it running; empty when the queue is empty. */
    public Optional<TrainingRequest> claimNext() {
        return run("claiming a training request", c -> query(c, "UPDATE training_requests t SET status = 'running', started_at = now() "
                + "FROM (SELECT org_id, request_id FROM training_requests WHERE status = 'queued' ORDER BY priority DESC, created_at, request_id "
                + "LIMIT 1 FOR UPDATE SKIP LOCKED) next WHERE t.org_id = next.org_id AND t.request_id = next.request_id "
                + "RETURNING " + prefixed("t"))).stream().findFirst();
    }

    /** Records that a running request produced {@code modelVersionId}. */
    public TrainingRequest succeeded(String orgId, String requestId, long modelVersionId) {
        return finish(orgId, requestId, "UPDATE training_requests SET status = 'succeeded', model_version_id = ?, finished_at = now() "
                + "WHERE org_id = ? AND request_id = ? AND status = 'running' RETURNING " + COLUMNS, modelVersionId, orgId, requestId);
    }

    /** Records that a running request failed, and why (shown to the customer). */
    public TrainingRequest failed(String orgId, String requestId, String error) {
        return finish(orgId, requestId, "UPDATE training_requests SET status = 'failed', error = ?, finished_at = now() "
                + "WHERE org_id = ? AND request_id = ? AND status = 'running' RETURNING " + COLUMNS, error, orgId, requestId);
    }

    private TrainingRequest finish(String orgId, String requestId, String sql, Object... args) {
        List<TrainingRequest> done = run("finishing training request " + requestId, c -> query(c, sql, args));
        if (done.isEmpty()) {
            throw StoreException.conflict("training request " + requestId + " of " + orgId + " is not running",
                    "Only a claimed (running) request can succeed or fail");
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
