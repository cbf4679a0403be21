package io.tunetrail.batch.analytics;

import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.Promotion;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;

/**
 * Materialises analytics rows into PostgreSQL under a model version of the registry, so that readers switch from one
 * version to the next at once: {@link #register} a candidate, {@link #writeRows} all of its rows (one transaction,
 * COPY), then {@link #promote} it (the registry's one transaction, subject to the org's plan policy, pin and freeze).
 * Readers ask for the rows of the org's active version and so never see a half-written one.
 *
 * <p>Idempotent in effect: running the same job again writes a new version with the same rows and makes it active;
 * nothing is ever appended to a version that readers may already see.
 */
public final class PostgresAnalyticsPublisher {
    private static final int COPY_CHUNK_CHARS = 1 << 20;

    private final DataSource dataSource;
    private final ModelRegistry registry;

    public PostgresAnalyticsPublisher(DataSource dataSource, ModelRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    /** The orgs PostgreSQL knows: analytics rows can only be stored for those (foreign keys). */
    public Set<String> knownOrgs() {
        Set<String> orgs = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT org_id FROM organisations");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                orgs.add(rs.getString(1));
            }
            return orgs;
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("listing the organisations", e);
        }
    }

    public ModelVersion register(String orgId, String algorithm, Map<String, Object> params, Map<String, Object> inputSnapshot) {
        return registry.register(orgId, algorithm, params, inputSnapshot);
    }

    /**
     * Copies the rows of each table into PostgreSQL under {@code version}, all tables in one transaction, and records
     * the row counts as the version's metrics ({@code rows.<table>}). Returns the counts by table.
     */
    public Map<String, Long> writeRows(ModelVersion version, Map<AnalyticsTable, Iterator<Row>> rowsByTable) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            Database.inTransaction(c, tx -> {
                for (Map.Entry<AnalyticsTable, Iterator<Row>> e : rowsByTable.entrySet()) {
                    counts.put(e.getKey().postgresTable(), copy(tx, e.getKey(), version, e.getValue()));
                }
                return null;
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("writing " + version.algorithm() + " rows of org " + version.orgId()
                    + " (version " + version.version() + ")", e);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        counts.forEach((table, n) -> metrics.put("rows." + table, n));
        registry.recordMetrics(version.id(), metrics);
        return counts;
    }

    public void recordMetrics(ModelVersion version, Map<String, Object> metrics) {
        registry.recordMetrics(version.id(), metrics);
    }

    public Promotion promote(ModelVersion version) {
        return registry.promote(version.id());
    }

    private static long copy(Connection tx, AnalyticsTable table, ModelVersion version, Iterator<Row> rows) throws SQLException {
        var copy = tx.unwrap(PGConnection.class).getCopyAPI();
        StringBuilder chunk = new StringBuilder(COPY_CHUNK_CHARS + 4096);
        long n = 0;
        try {
            // One COPY per chunk keeps memory flat for the big tables (per-listener profiles).
            while (rows.hasNext()) {
                CsvRows.line(chunk, version.orgId(), version.id(), rows.next(), table.columns());
                n++;
                if (chunk.length() >= COPY_CHUNK_CHARS || !rows.hasNext()) {
                    copy.copyIn(table.copySql(), new StringReader(chunk.toString()));
                    chunk.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new SQLException("COPY into " + table.postgresTable() + " failed: " + e.getMessage(), e);
        }
        return n;
    }
}
