package io.tunetrail.store.analyst;

import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The SQL endpoint's statement audit ({@code sql_query_audit}, V62): the endpoint records each statement of an
 * account, {@code ./tunetrail sql audit} reads the newest. Kept here, beside {@link AnalystAccounts}, so the endpoint
 * and the CLI share it.
 *
 * <p>The SQL text and the reason are stored bounded ({@link #MAX_SQL_CHARS}, {@link #MAX_REASON_CHARS}): a generated
 * statement of megabytes must not make the trail the largest table of the database. {@code sql_length} keeps the
 * original length, so a cut is visible.
 */
public final class QueryAuditLog {
    public static final int MAX_SQL_CHARS = 8_192;
    public static final int MAX_REASON_CHARS = 2_000;

    /** How a statement ended: the engine answered, the endpoint's rules refused it, the engine failed, or it was cancelled. */
    public enum Outcome { OK, REFUSED, FAILED, CANCELLED;

        /** As the table stores it: {@code ok}, {@code refused}, {@code failed}, {@code cancelled}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One statement.
     *
     * @param accountKind {@code analyst}, {@code api_key} or {@code unknown} (a session whose login is not on record)
     * @param orgId the org the login is bound to; null for an every-org analyst
     * @param sqlLength the statement's length before {@link #MAX_SQL_CHARS} cut it
     * @param rows rows answered; null when it did not finish or the count is unknown
     * @param reason why it was refused, failed or cancelled; null when it was answered
     */
    public record Entry(String statementId, String account, String accountKind, String orgId, String sessionId, String sql,
            int sqlLength, Instant startedAt, long durationMs, Long rows, Outcome outcome, String reason) {

        /** An entry whose SQL text and reason are cut to what the table stores. */
        public static Entry bounded(String statementId, String account, String accountKind, String orgId, String sessionId, String sql,
                Instant startedAt, long durationMs, Long rows, Outcome outcome, String reason) {
            String text = sql == null ? "" : sql;
            return new Entry(statementId, account, accountKind, orgId, sessionId, cut(text, MAX_SQL_CHARS), text.length(), startedAt,
                    Math.max(0, durationMs), rows, outcome, reason == null ? null : cut(reason, MAX_REASON_CHARS));
        }
    }

    private final DataSource db;

    public QueryAuditLog(DataSource db) {
        this.db = db;
    }

    /** Records entries in one transaction; an entry already recorded (a retried batch) is left as it is. */
    public void record(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO sql_query_audit (statement_id, account, account_kind, org_id, "
                        + "session_id, sql_text, sql_length, started_at, duration_ms, row_count, outcome, reason) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (statement_id) DO NOTHING")) {
            c.setAutoCommit(false);
            for (Entry e : entries) {
                ps.setString(1, e.statementId());
                ps.setString(2, e.account());
                ps.setString(3, e.accountKind());
                ps.setString(4, e.orgId());
                ps.setString(5, e.sessionId());
                ps.setString(6, e.sql());
                ps.setInt(7, e.sqlLength());
                ps.setTimestamp(8, Timestamp.from(e.startedAt()));
                ps.setLong(9, e.durationMs());
                if (e.rows() == null) {
                    ps.setNull(10, Types.BIGINT);
                } else {
                    ps.setLong(10, e.rows());
                }
                ps.setString(11, e.outcome().label());
                ps.setString(12, e.reason());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw StoreException.unavailable("PostgreSQL", "sql_query_audit (recording " + entries.size() + " statements)", e);
        }
    }

    /** The newest entries first, of one account and/or one org when given (null: any). */
    public List<Entry> recent(String account, String orgId, int limit) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM sql_query_audit WHERE (?::text IS NULL OR account = ?) "
                        + "AND (?::text IS NULL OR org_id = ?) ORDER BY started_at DESC, statement_id LIMIT ?")) {
            ps.setString(1, account);
            ps.setString(2, account);
            ps.setString(3, orgId);
            ps.setString(4, orgId);
            ps.setInt(5, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString("statement_id"), rs.getString("account"), rs.getString("account_kind"), rs.getString("org_id"),
                            rs.getString("session_id"), rs.getString("sql_text"), rs.getInt("sql_length"), rs.getTimestamp("started_at").toInstant(),
                            rs.getLong("duration_ms"), rs.getObject("row_count", Long.class), Outcome.valueOf(rs.getString("outcome").toUpperCase(Locale.ROOT)),
                            rs.getString("reason")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw StoreException.unavailable("PostgreSQL", "sql_query_audit (reading)", e);
        }
    }

    /**
     * Deletes at most {@code batch} entries that started before {@code cutoff}, oldest first; returns how many. Small
     * batches keep each transaction short, so the endpoint's inserts never wait long behind a purge of months.
     */
    public int purgeBefore(Instant cutoff, int batch) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM sql_query_audit WHERE statement_id IN (SELECT statement_id "
                        + "FROM sql_query_audit WHERE started_at < ? ORDER BY started_at LIMIT ?)")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            ps.setInt(2, batch);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw StoreException.unavailable("PostgreSQL", "sql_query_audit (deleting entries before " + cutoff + ")", e);
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
