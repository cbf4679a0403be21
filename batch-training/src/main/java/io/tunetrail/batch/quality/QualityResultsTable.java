package io.tunetrail.batch.quality;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.OptionalDouble;
import javax.sql.DataSource;

/** PostgreSQL's {@code data_quality_results} (migration V65): every check's results, kept as history. */
public final class QualityResultsTable {
    private final DataSource dataSource;

    public QualityResultsTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Appends one run's results in one transaction. */
    public void record(String runId, List<CheckResult> results) {
        String sql = "INSERT INTO data_quality_results (run_id, check_name, subject, passed, observed, threshold, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (CheckResult r : results) {
                ps.setString(1, runId);
                ps.setString(2, r.check());
                ps.setString(3, r.subject());
                ps.setBoolean(4, r.passed());
                setDouble(ps, 5, r.observed());
                setDouble(ps, 6, r.threshold());
                ps.setString(7, r.detail());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("recording the quality results in PostgreSQL failed: " + e.getMessage()
                    + " (is migration V65, data_quality_results, applied?)", e);
        }
    }

    /** The newest observation of {@code check} on {@code subject}. */
    public OptionalDouble previousObserved(String check, String subject) {
        String sql = "SELECT observed FROM data_quality_results WHERE check_name = ? AND subject = ? AND observed IS NOT NULL"
                + " ORDER BY checked_at DESC, id DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, check);
            ps.setString(2, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalDouble.of(rs.getDouble(1)) : OptionalDouble.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading earlier quality results from PostgreSQL failed: " + e.getMessage(), e);
        }
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null || value.isNaN()) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }
}
