package io.tunetrail.api.audio;

import io.tunetrail.api.store.Sql;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code audio_jobs} and {@code audio_job_files} rows (V72): jobs are created whole, their files claimed one at a
 * time with a lease, and every final status written only by the claim that holds the file, so a file analysed by one
 * API instance is never analysed again by another that took it over after the lease ran out.
 */
public final class AudioJobStore {
    /** A job to create and its files, in order. */
    public record NewJob(String orgId, String jobId, String keyId, String source, List<NewFile> files) {}

    public record NewFile(String objectKey, String fileName, String trackId, String analysisId) {}

    /** A file this instance holds the claim of; {@code countedAt} is set when its quota unit was already counted. */
    public record ClaimedFile(String orgId, String jobId, int position, String keyId, String objectKey, String trackId, String analysisId,
            String claim, Instant countedAt) {}

    public record FileView(int position, String fileName, String objectKey, String trackId, String status, String analysisId,
            String errorCode, String errorMessage, Instant startedAt, Instant finishedAt) {}

    public record JobView(String jobId, String source, int fileCount, Instant createdAt, Instant completedAt, Map<String, Integer> counts,
            List<FileView> files) {}

    /** Called inside the transaction that gave a job's last file its final status (the webhook is queued there). */
    @FunctionalInterface
    public interface CompletionListener {
        void completed(Connection c, String orgId, String jobId, Map<String, Integer> counts) throws SQLException;
    }

    static final List<String> STATUSES = List.of("queued", "analysed", "refused", "skipped_quota", "failed");

    private final Sql sql;
    private final CompletionListener onCompleted;

    public AudioJobStore(Sql sql, CompletionListener onCompleted) {
        this.sql = sql;
        this.onCompleted = onCompleted;
    }

    /**
     * Refuses a new job of the org while its plan's hard-stop cost cap is reached ({@code CostCapReached}: 402
     * {@code cost_cap_reached}). Called before any file of the job is kept; a batch holds nothing against the cap (each
     * file's measured CPU time is recorded as it is analysed), so the check needs no transaction beyond its own.
     */
    public void admit(io.tunetrail.store.costs.CostCap cap, String orgId) {
        sql.transaction("admit an audio batch under the cost cap", c -> cap.admit(c, orgId));
    }

    /** Batch files of every org waiting to be analysed (claimed ones included until they settle). */
    public long queuedFiles() {
        return sql.one("count queued batch files", "SELECT count(*) FROM audio_job_files WHERE status = 'queued'", ps -> { },
                rs -> rs.getLong(1)).orElse(0L);
    }

    public void create(NewJob job) {
        sql.transaction("create an audio job", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audio_jobs (org_id, job_id, key_id, source, file_count) "
                    + "VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, job.orgId());
                ps.setString(2, job.jobId());
                ps.setString(3, job.keyId());
                ps.setString(4, job.source());
                ps.setInt(5, job.files().size());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audio_job_files (org_id, job_id, position, object_key, file_name, "
                    + "track_id, analysis_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < job.files().size(); i++) {
                    NewFile f = job.files().get(i);
                    ps.setString(1, job.orgId());
                    ps.setString(2, job.jobId());
                    ps.setInt(3, i);
                    ps.setString(4, f.objectKey());
                    ps.setString(5, f.fileName());
                    ps.setString(6, f.trackId());
                    ps.setString(7, f.analysisId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * Claims the oldest queued file whose lease is free (never claimed, given back, or lapsed: its instance stopped)
     * for {@code leaseMillis}; empty when there is none.
     */
    public Optional<ClaimedFile> claimNext(String claim, long leaseMillis) {
        return sql.one("claim a file of an audio job", "UPDATE audio_job_files f SET claim = ?, lease_until = now() + ? * interval '1 millisecond', "
                + "attempts = f.attempts + 1, started_at = coalesce(f.started_at, now()) FROM audio_jobs j "
                + "WHERE j.org_id = f.org_id AND j.job_id = f.job_id AND (f.org_id, f.job_id, f.position) = (SELECT org_id, job_id, position "
                + "FROM audio_job_files WHERE status = 'queued' AND (lease_until IS NULL OR lease_until < now()) "
                + "ORDER BY queued_at, org_id, job_id, position LIMIT 1 FOR UPDATE SKIP LOCKED) "
                + "RETURNING f.org_id, f.job_id, f.position, j.key_id, f.object_key, f.track_id, f.analysis_id, f.claim, f.counted_at", ps -> {
                    ps.setString(1, claim);
                    ps.setLong(2, leaseMillis);
                }, rs -> new ClaimedFile(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), Sql.instant(rs, "counted_at")));
    }

    /** Records that the file's quota unit was counted at {@code at}; false when the claim was lost meanwhile. */
    public boolean markCounted(ClaimedFile f, Instant at) {
        return sql.update("record a counted audio file", "UPDATE audio_job_files SET counted_at = ? WHERE org_id = ? AND job_id = ? "
                + "AND position = ? AND claim = ? AND status = 'queued'", ps -> {
                    ps.setTimestamp(1, Sql.ts(at));
                    bindFile(ps, 2, f);
                }) == 1;
    }

    /** Gives the claim back at once (the pool was full): the next claim may take the file. */
    public void release(ClaimedFile f) {
        sql.update("release a file of an audio job", "UPDATE audio_job_files SET claim = NULL, lease_until = NULL WHERE org_id = ? "
                + "AND job_id = ? AND position = ? AND claim = ? AND status = 'queued'", ps -> bindFile(ps, 1, f));
    }

    /**
     * Stores the file's analysis and marks it analysed, in one transaction and only while this claim holds it: false
     * (nothing stored) when another instance took the file over.
     */
    public boolean analysed(ClaimedFile f, AudioAnalysisWriter.TrackAnalysis analysis) {
        return settle("store the analysis of an audio job file", f, "analysed", null, null, c -> AudioAnalysisWriter.insert(c, analysis));
    }

    /** Gives the file a final status other than analysed ({@code refused} or {@code failed}), with the error. */
    public boolean finish(ClaimedFile f, String status, String errorCode, String errorMessage) {
        return settle("settle an audio job file", f, status, errorCode, errorMessage, c -> {});
    }

    /**
     * The quota ran out: this file and every queued file of its job no other instance holds become
     * {@code skipped_quota}. Returns how many.
     */
    public int skipRest(ClaimedFile f, String message) {
        return sql.transaction("skip the rest of an audio job", c -> {
            lockJob(c, f.orgId(), f.jobId());
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE audio_job_files SET status = 'skipped_quota', error_code = 'quota_exceeded', "
                    + "error_message = ?, claim = NULL, lease_until = NULL, finished_at = now() WHERE org_id = ? AND job_id = ? "
                    + "AND status = 'queued' AND (claim = ? OR lease_until IS NULL OR lease_until < now())")) {
                ps.setString(1, message);
                ps.setString(2, f.orgId());
                ps.setString(3, f.jobId());
                ps.setString(4, f.claim());
                n = ps.executeUpdate();
            }
            completeIfDone(c, f.orgId(), f.jobId());
            return n;
        });
    }

    @FunctionalInterface
    private interface InTransaction {
        void run(Connection c) throws SQLException;
    }

    private boolean settle(String action, ClaimedFile f, String status, String errorCode, String errorMessage, InTransaction also) {
        return sql.transaction(action, c -> {
            // Finishing files of one job take turns, so exactly one of them sees the job's last file done.
            lockJob(c, f.orgId(), f.jobId());
            try (PreparedStatement ps = c.prepareStatement("UPDATE audio_job_files SET status = ?, error_code = ?, error_message = ?, "
                    + "claim = NULL, lease_until = NULL, finished_at = now() WHERE org_id = ? AND job_id = ? AND position = ? AND claim = ? "
                    + "AND status = 'queued'")) {
                ps.setString(1, status);
                ps.setString(2, errorCode);
                ps.setString(3, errorMessage);
                bindFile(ps, 4, f);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            also.run(c);
            completeIfDone(c, f.orgId(), f.jobId());
            return true;
        });
    }

    private static void lockJob(Connection c, String orgId, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audio_jobs WHERE org_id = ? AND job_id = ? FOR UPDATE")) {
            ps.setString(1, orgId);
            ps.setString(2, jobId);
            ps.executeQuery().close();
        }
    }

    private void completeIfDone(Connection c, String orgId, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE audio_jobs SET completed_at = now() WHERE org_id = ? AND job_id = ? "
                + "AND completed_at IS NULL AND NOT EXISTS (SELECT 1 FROM audio_job_files WHERE org_id = ? AND job_id = ? AND status = 'queued')")) {
            ps.setString(1, orgId);
            ps.setString(2, jobId);
            ps.setString(3, orgId);
            ps.setString(4, jobId);
            if (ps.executeUpdate() == 1) {
                onCompleted.completed(c, orgId, jobId, counts(c, orgId, jobId));
            }
        }
    }

    private static Map<String, Integer> counts(Connection c, String orgId, String jobId) throws SQLException {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        STATUSES.forEach(s -> counts.put(s, 0));
        try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM audio_job_files WHERE org_id = ? AND job_id = ? GROUP BY status")) {
            ps.setString(1, orgId);
            ps.setString(2, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }

    /** The job with its files in order; empty when the org has no such job. */
    public Optional<JobView> job(String orgId, String jobId) {
        return sql.transaction("read an audio job", c -> {
            JobView head = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id, source, file_count, created_at, completed_at FROM audio_jobs "
                    + "WHERE org_id = ? AND job_id = ?")) {
                ps.setString(1, orgId);
                ps.setString(2, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        head = jobRow(rs, counts(c, orgId, jobId), List.of());
                    }
                }
            }
            if (head == null) {
                return Optional.empty();
            }
            List<FileView> files = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT position, file_name, object_key, track_id, status, analysis_id, error_code, "
                    + "error_message, started_at, finished_at FROM audio_job_files WHERE org_id = ? AND job_id = ? ORDER BY position")) {
                ps.setString(1, orgId);
                ps.setString(2, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        files.add(new FileView(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                rs.getString(7), rs.getString(8), Sql.instant(rs, "started_at"), Sql.instant(rs, "finished_at")));
                    }
                }
            }
            return Optional.of(new JobView(head.jobId(), head.source(), head.fileCount(), head.createdAt(), head.completedAt(), head.counts(),
                    files));
        });
    }

    /**
     * The org's jobs, newest first, {@code limit} + 1 rows after the keyset {@code (createdAt, jobId)} (null: from the
     * newest), without their files.
     */
    public List<JobView> jobs(String orgId, Instant afterCreatedAt, String afterJobId, int limit) {
        return sql.transaction("list audio jobs", c -> {
            List<JobView> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id, source, file_count, created_at, completed_at FROM audio_jobs "
                    + "WHERE org_id = ? AND (?::timestamptz IS NULL OR (created_at, job_id) < (?, ?)) ORDER BY created_at DESC, job_id DESC LIMIT ?")) {
                ps.setString(1, orgId);
                ps.setTimestamp(2, afterCreatedAt == null ? null : Sql.ts(afterCreatedAt));
                ps.setTimestamp(3, afterCreatedAt == null ? null : Sql.ts(afterCreatedAt));
                ps.setString(4, afterJobId);
                ps.setInt(5, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(jobRow(rs, null, List.of()));
                    }
                }
            }
            List<JobView> withCounts = new ArrayList<>(out.size());
            for (JobView j : out) {
                withCounts.add(new JobView(j.jobId(), j.source(), j.fileCount(), j.createdAt(), j.completedAt(), counts(c, orgId, j.jobId()),
                        List.of()));
            }
            return withCounts;
        });
    }

    private static JobView jobRow(ResultSet rs, Map<String, Integer> counts, List<FileView> files) throws SQLException {
        return new JobView(rs.getString("job_id"), rs.getString("source"), rs.getInt("file_count"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "completed_at"), counts, files);
    }

    private static void bindFile(PreparedStatement ps, int first, ClaimedFile f) throws SQLException {
        ps.setString(first, f.orgId());
        ps.setString(first + 1, f.jobId());
        ps.setInt(first + 2, f.position());
        ps.setString(first + 3, f.claim());
    }
}
