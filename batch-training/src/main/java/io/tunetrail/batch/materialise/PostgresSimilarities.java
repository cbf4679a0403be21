package io.tunetrail.batch.materialise;

import io.tunetrail.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import javax.sql.DataSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes a similarity version's rows to PostgreSQL ({@code track_similarities}, {@code user_similarities}): the
 * version's rows are deleted and inserted again in one transaction, so a re-run replaces rather than duplicates and a
 * reader of the version sees all of it or (before the commit) none of it.
 */
final class PostgresSimilarities {
    private static final int BATCH = 2_000;

    private final DataSource dataSource;

    PostgresSimilarities(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows {@code track_id, rank, similar_track_id, score, support} of one version. */
    long writeTracks(String org, long versionId, Dataset<Row> rows) {
        return write("track_similarities", org, versionId,
                rows.select("track_id", "rank", "similar_track_id", "score", "support"),
                "INSERT INTO track_similarities (org_id, model_version_id, track_id, rank, similar_track_id, score, support) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)", true);
    }

    /** Rows {@code user_id, rank, similar_user_id, score} of one version. */
    long writeUsers(String org, long versionId, Dataset<Row> rows) {
        return write("user_similarities", org, versionId, rows.select("user_id", "rank", "similar_user_id", "score"),
                "INSERT INTO user_similarities (org_id, model_version_id, user_id, rank, similar_user_id, score) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", false);
    }

    private long write(String table, String org, long versionId, Dataset<Row> rows, String insert, boolean support) {
        try (Connection c = dataSource.getConnection()) {
            return Database.inTransaction(c, tx -> {
                try (PreparedStatement del = tx.prepareStatement("DELETE FROM " + table + " WHERE org_id = ? AND model_version_id = ?")) {
                    del.setString(1, org);
                    del.setLong(2, versionId);
                    del.executeUpdate();
                }
                long n = 0;
                try (PreparedStatement ins = tx.prepareStatement(insert)) {
                    for (Iterator<Row> it = rows.toLocalIterator(); it.hasNext(); ) {
                        Row r = it.next();
                        ins.setString(1, org);
                        ins.setLong(2, versionId);
                        ins.setString(3, r.getString(0));
                        ins.setInt(4, r.getInt(1));
                        ins.setString(5, r.getString(2));
                        ins.setDouble(6, r.getDouble(3));
                        if (support) {
                            if (r.isNullAt(4)) {
                                ins.setNull(7, java.sql.Types.INTEGER);
                            } else {
                                ins.setInt(7, r.getInt(4));
                            }
                        }
                        ins.addBatch();
                        if (++n % BATCH == 0) {
                            ins.executeBatch();
                        }
                    }
                    ins.executeBatch();
                }
                return n;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("writing " + table + " of org " + org + ", model version " + versionId
                    + " to PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
