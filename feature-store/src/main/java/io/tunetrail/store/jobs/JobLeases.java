package io.tunetrail.store.jobs;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The lease side of one {@link JobTable}, for one worker: claim the most urgent job, renew the lease while it runs
 * (learning of a cancellation), and finish, retry or release it.
 *
 * <p>A claim takes, in one transaction, the best claimable job (queued and past its {@code not_before}, or running
 * with an expired lease) of the most urgent org — plan priority, then age — whose running jobs (all tables of
 * {@link JobTable#ALL}) are under its plan's {@code concurrency}. Claims for one org are serialised by a
 * transaction-scoped advisory lock taken with {@code pg_try_advisory_xact_lock}, so two workers can never both see
 * room for one more job and both take one; a worker that finds the lock taken moves on to the next org instead of
 * waiting, as {@code FOR UPDATE SKIP LOCKED} does for the job rows themselves.
 */
public final class JobLeases {
    /** Claims of a job before it fails for good (failed attempts and expired leases both count). */
    public static final int MAX_ATTEMPTS = 3;
    // The first key of the advisory locks that serialise one org's claims ("tt" + "jo").
    private static final int LOCK_SPACE = 0x74746a6f;
    private static final String CLAIMABLE = "((status = 'queued' AND not_before <= now()) OR (status = 'running' AND lease_expires_at < now()))";

    /** What a heartbeat learned: the lease is still ours, the job was cancelled, or the lease is gone. */
    public enum Heartbeat { HELD, CANCELLED, LOST }

    /** Retry delays: {@code base} after the first failed attempt, doubling, at most {@code max}. */
    public record Backoff(Duration base, Duration max) {
        public Duration after(int attempts) {
            long ms = base.toMillis() * (1L << Math.min(30, Math.max(0, attempts - 1)));
            return Duration.ofMillis(Math.min(ms, max.toMillis()));
        }
    }

    /** How a failure was recorded: queued again (with its retry time) or failed for good. */
    public record Failure(boolean retried, Instant notBefore) {}

    private final DataSource dataSource;
    private final PlanCatalog plans;
    private final JobTable table;
    private final String worker;
    private final Duration lease;
    private final Backoff backoff;

    public JobLeases(DataSource dataSource, PlanCatalog plans, JobTable table, String worker, Duration lease, Backoff backoff) {
        if (lease.toMillis() < 1) {
            throw StoreException.invalid("a job lease of " + lease + " is too short", "Lease jobs for at least a millisecond");
        }
        this.dataSource = dataSource;
        this.plans = plans;
        this.table = table;
        this.worker = worker;
        this.lease = lease;
        this.backoff = backoff;
    }

    public JobTable table() {
        return table;
    }

    public String worker() {
        return worker;
    }

    /** Takes the most urgent job an org under its concurrency limit has waiting; empty when there is none. */
    public Optional<LeasedJob> claimNext() {
        String t = table.table();
        String id = table.idColumn();
        return run("claiming a " + table.kind() + " job", c -> Database.inTransaction(c, tx -> {
            update(tx, "UPDATE " + t + " SET status = 'failed', finished_at = now(), lease_expires_at = NULL, "
                    + "error = 'the worker stopped ' || attempts || ' times while running this job; it was not retried again' "
                    + "WHERE status = 'running' AND lease_expires_at < now() AND attempts >= ?", MAX_ATTEMPTS);
            List<String> orgs = strings(tx, "SELECT org_id FROM (SELECT DISTINCT ON (org_id) org_id, priority, created_at, " + id
                    + " AS id FROM " + t + " WHERE " + CLAIMABLE + " ORDER BY org_id, priority DESC, created_at, " + id
                    + ") best ORDER BY priority DESC, created_at, id LIMIT 100");
            for (String org : orgs) {
                if (!"true".equals(one(tx, "SELECT pg_try_advisory_xact_lock(?, hashtext(?))::text", LOCK_SPACE, org))
                        || running(tx, org) >= concurrency(tx, org)) {
                    continue;
                }
                List<String[]> claimed = rows(tx, "UPDATE " + t + " j SET status = 'running', started_at = now(), leased_by = ?, "
                        + "lease_expires_at = now() + ? * interval '1 millisecond', attempts = j.attempts + 1, stage = 'claimed', "
                        + "percent = 0 FROM (SELECT org_id, " + id + " FROM " + t + " WHERE org_id = ? AND " + CLAIMABLE
                        + " ORDER BY priority DESC, created_at, " + id + " LIMIT 1 FOR UPDATE SKIP LOCKED) next "
                        + "WHERE j.org_id = next.org_id AND j." + id + " = next." + id + " RETURNING j.org_id, j." + id + ", j.attempts",
                        worker, lease.toMillis(), org);
                if (!claimed.isEmpty()) {
                    String[] r = claimed.get(0);
                    return Optional.of(new LeasedJob(table, r[0], r[1], Integer.parseInt(r[2]), worker));
                }
            }
            return Optional.empty();
        }));
    }

    /**
     * Renews this worker's lease on a running job one lease length from now and records its progress; says whether the
     * lease is still held, the job was cancelled, or the lease is lost (expired or taken over): then stop working on it.
     * An expired lease is not revived, so a job another worker may already count as free never runs twice.
     */
    public Heartbeat heartbeat(String orgId, String jobId, String stage, Integer percent) {
        return run("renewing the lease of " + table.kind() + " job " + jobId, c -> {
            int renewed = update(c, "UPDATE " + table.table() + " SET lease_expires_at = now() + ? * interval '1 millisecond', "
                    + "stage = COALESCE(?::text, stage), percent = COALESCE(?::smallint, percent) WHERE org_id = ? AND "
                    + table.idColumn() + " = ? AND status = 'running' AND leased_by = ? AND lease_expires_at >= now()",
                    lease.toMillis(), stage, percent, orgId, jobId, worker);
            if (renewed == 1) {
                return Heartbeat.HELD;
            }
            return "cancelled".equals(one(c, "SELECT status FROM " + table.table() + " WHERE org_id = ? AND " + table.idColumn() + " = ?",
                    orgId, jobId)) ? Heartbeat.CANCELLED : Heartbeat.LOST;
        });
    }

    /** Records success with the kind's result columns (e.g. {@code model_version_id}); false when the lease is not ours. */
    public boolean succeeded(String orgId, String jobId, Map<String, Object> result) {
        List<Object> args = new ArrayList<>(result.values());
        String set = result.keySet().stream().map(column -> {
            if (!column.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("'" + column + "' is not a column name");
            }
            return ", " + column + " = ?";
        }).collect(Collectors.joining());
        args.addAll(List.of(orgId, jobId, worker));
        return run("finishing " + table.kind() + " job " + jobId, c -> update(c, "UPDATE " + table.table()
                + " SET status = 'succeeded', finished_at = now(), lease_expires_at = NULL, stage = 'done', percent = 100" + set
                + " WHERE org_id = ? AND " + table.idColumn() + " = ? AND status = 'running' AND leased_by = ?", args.toArray())) == 1;
    }

    /**
     * Records a failed attempt: queued again after {@link Backoff#after} when {@code retry} and attempts remain, failed
     * for good otherwise. The error is kept either way, so the customer sees why it is retried.
     */
    public Failure failed(String orgId, String jobId, String error, boolean retry) {
        return run("recording the failure of " + table.kind() + " job " + jobId, c -> {
            List<String[]> r = rows(c, "UPDATE " + table.table() + " SET error = ?, lease_expires_at = NULL, "
                    + "status = CASE WHEN ? AND attempts < ? THEN 'queued' ELSE 'failed' END, "
                    + "finished_at = CASE WHEN ? AND attempts < ? THEN NULL ELSE now() END, "
                    + "stage = CASE WHEN ? AND attempts < ? THEN 'waiting to retry' ELSE 'failed' END, "
                    + "leased_by = CASE WHEN ? AND attempts < ? THEN NULL ELSE leased_by END, "
                    + "not_before = CASE WHEN ? AND attempts < ? THEN now() + LEAST(? * power(2, attempts - 1), ?) * interval '1 millisecond' "
                    + "ELSE not_before END WHERE org_id = ? AND " + table.idColumn() + " = ? AND status = 'running' AND leased_by = ? "
                    + "RETURNING status, not_before",
                    error, retry, MAX_ATTEMPTS, retry, MAX_ATTEMPTS, retry, MAX_ATTEMPTS, retry, MAX_ATTEMPTS, retry, MAX_ATTEMPTS,
                    backoff.base().toMillis(), backoff.max().toMillis(), orgId, jobId, worker);
            if (r.isEmpty()) {
                throw StoreException.conflict(table.kind() + " job " + jobId + " of " + orgId + " is not running under worker " + worker,
                        "Only the worker holding a running job's lease can finish it; a worker whose lease expired must drop its result");
            }
            return new Failure("queued".equals(r.get(0)[0]), Timestamp.valueOf(r.get(0)[1]).toInstant());
        });
    }

    /** Gives a running job back to the queue at once without counting the attempt (a worker shutting down). */
    public boolean release(String orgId, String jobId) {
        return run("releasing " + table.kind() + " job " + jobId, c -> update(c, "UPDATE " + table.table() + " SET status = 'queued', "
                + "leased_by = NULL, lease_expires_at = NULL, attempts = GREATEST(attempts - 1, 0), not_before = now(), "
                + "stage = 'released', percent = NULL WHERE org_id = ? AND " + table.idColumn() + " = ? AND status = 'running' "
                + "AND leased_by = ?", orgId, jobId, worker)) == 1;
    }

    /** Jobs of this table that are queued or running, whoever holds them. */
    public long unfinished() {
        return run("counting unfinished " + table.kind() + " jobs", c -> Long.parseLong(one(c, "SELECT count(*)::text FROM "
                + table.table() + " WHERE status IN ('queued', 'running')")));
    }

    private static long running(Connection c, String org) throws SQLException {
        String counts = JobTable.ALL.stream().map(t -> "(SELECT count(*) FROM " + t.table() + " WHERE org_id = ? AND status = 'running' "
                + "AND lease_expires_at >= now())").collect(Collectors.joining(" + "));
        return Long.parseLong(one(c, "SELECT (" + counts + ")::text", JobTable.ALL.stream().map(t -> org).toArray()));
    }

    private int concurrency(Connection c, String org) throws SQLException {
        String plan = one(c, "SELECT plan_id FROM organisations WHERE org_id = ?", org);
        return plan == null ? PlanCatalog.DEFAULT_CONCURRENCY
                : plans.find(plan).map(PlanCatalog.Plan::concurrency).orElse(PlanCatalog.DEFAULT_CONCURRENCY);
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static String one(Connection c, String sql, Object... args) throws SQLException {
        List<String[]> r = rows(c, sql, args);
        return r.isEmpty() ? null : r.get(0)[0];
    }

    private static List<String> strings(Connection c, String sql, Object... args) throws SQLException {
        return rows(c, sql, args).stream().map(r -> r[0]).toList();
    }

    private static List<String[]> rows(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            List<String[]> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    Object v = rs.getObject(i + 1);
                    row[i] = v instanceof Timestamp ts ? ts.toString() : v == null ? null : v.toString();
                }
                out.add(row);
            }
            return out;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    private <T> T run(String action, Database.SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase(action, e);
        }
    }
}
