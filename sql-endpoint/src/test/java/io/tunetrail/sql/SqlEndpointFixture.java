package io.tunetrail.sql;

import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.ApiKeyHash;
import io.tunetrail.store.analyst.AnalystAccounts;
import io.tunetrail.store.analyst.QueryAuditLog;
import io.tunetrail.store.testing.FreshDatabase;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * One SQL endpoint for an IT class, on a small lake of its own: {@code interactions} for two orgs in two Delta
 * versions (version 0: 20 + 15 rows, version 1: 5 more of org A), and {@code dead_letters} (no org column).
 * Accounts: an unrestricted analyst, one bound to org A, org A's {@code bi} API key (org A is enterprise) and a key
 * of org A without the scope.
 */
final class SqlEndpointFixture implements AutoCloseable {
    static final int MAX_ROWS = 30;
    /** Far above what the small lake's queries take on a loaded two-core machine: only a deliberately endless query
     * reaches it, so the time-limit test tests cancellation, not the machine's speed. */
    static final int TIME_LIMIT_SECONDS = 30;
    static final String BI_KEY_ID = "key_bi_" + UUID.randomUUID().toString().substring(0, 8);
    static final String BI_KEY = "tt_" + UUID.randomUUID() + "-bi";
    static final String READ_KEY_ID = "key_read_" + UUID.randomUUID().toString().substring(0, 8);
    static final String READ_KEY = "tt_" + UUID.randomUUID() + "-read";

    final PlatformConfig config;
    final SqlEndpointServer server;
    final String orgA;
    final String orgB;
    final AnalystAccounts.Created everyOrg;
    final AnalystAccounts.Created boundToA;
    final QueryAuditLog audit;

    /** Writes the lake the endpoint serves, through the endpoint's own session, for the fixture's two orgs. */
    interface LakeWriter {
        void write(SparkSession spark, String root, List<String> orgs);
    }

    SqlEndpointFixture(FreshDatabase db, Path home) throws Exception {
        this(db, home, MAX_ROWS, TIME_LIMIT_SECONDS, SqlEndpointFixture::writeLake);
    }

    SqlEndpointFixture(FreshDatabase db, Path home, long maxRows, int timeLimitSeconds, LakeWriter lake) throws Exception {
        this(db, home, maxRows, timeLimitSeconds, lake, Map.of(PlatformConfig.OFFLINE_STORE.name(), home.resolve("lake").toString()));
    }

    /** {@code store}: the offline store's keys ({@code offline.store} and, for {@code s3a://}, {@code offline.s3.*}). */
    SqlEndpointFixture(FreshDatabase db, Path home, long maxRows, int timeLimitSeconds, LakeWriter lake, Map<String, String> store)
            throws Exception {
        orgA = db.newOrg("enterprise");
        orgB = db.newOrg("pro");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home);
        Map<String, String> overrides = new HashMap<>(store);
        overrides.putAll(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), db.name(), PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.SQL_PORT.name(), String.valueOf(port), PlatformConfig.SQL_MAX_ROWS.name(), String.valueOf(maxRows),
                PlatformConfig.SQL_QUERY_TIMEOUT_SECONDS.name(), String.valueOf(timeLimitSeconds)));
        config = TestStack.config(overrides);
        AnalystAccounts accounts = new AnalystAccounts(db.dataSource(), Clock.systemUTC());
        everyOrg = accounts.create("all-" + UUID.randomUUID().toString().substring(0, 6), null);
        boundToA = accounts.create("a-" + UUID.randomUUID().toString().substring(0, 6), orgA);
        key(db, BI_KEY_ID, BI_KEY, "{read,bi}");
        key(db, READ_KEY_ID, READ_KEY, "{read}");
        audit = new QueryAuditLog(db.dataSource());
        server = SqlEndpointServer.start(config, accounts, audit);
        lake.write(server.spark(), config.offlineStoreUri(), List.of(orgA, orgB));
    }

    private void key(FreshDatabase db, String id, String secret, String scopes) throws SQLException {
        db.execute("INSERT INTO api_keys (org_id, key_id, name, key_hash, key_prefix, scopes) VALUES ('" + orgA + "', '" + id
                + "', 'bi', '" + ApiKeyHash.of(secret) + "', 'tt_abcdefgh', '" + scopes + "')");
    }

    /** The fixture's lake: {@code interactions} in two versions and {@code dead_letters}. */
    static void writeLake(SparkSession spark, String root, List<String> orgs) {
        String orgA = orgs.get(0);
        String orgB = orgs.get(1);
        OfflineStoreLayout layout = OfflineStoreLayout.load();
        String interactions = layout.table("interactions").location(root);
        append(spark, interactions, rows(orgA, 0, 20) + ", " + rows(orgB, 100, 15));
        append(spark, interactions, rows(orgA, 200, 5));
        spark.sql("SELECT 'land' AS stage, DATE'2026-12-01' AS failed_date, 'BAD_JSON' AS reason, 'e30=' AS payload")
                .write().format("delta").partitionBy("stage", "failed_date").save(layout.table("dead_letters").location(root));
    }

    private static String rows(String org, int from, int n) {
        List<String> r = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            r.add("('" + org + "', 'u" + (i % 7) + "', 't" + i + "', 'play', TIMESTAMP'2026-12-0" + (1 + i % 3) + " 10:00:00', DATE'2026-12-0"
                    + (1 + i % 3) + "')");
        }
        return String.join(", ", r);
    }

    private static void append(SparkSession spark, String location, String values) {
        spark.sql("SELECT * FROM VALUES " + values + " AS t(org_id, user_id, track_id, event_type, ts, event_date)")
                .write().format("delta").mode("append").partitionBy("org_id", "event_date").save(location);
    }

    Connection connect(String user, String password) throws SQLException {
        // The first session of a server creates the Hive session metastore (seconds on a busy machine).
        DriverManager.setLoginTimeout(120);
        return DriverManager.getConnection(server.jdbcUrl(), user, password);
    }

    Connection connectAs(AnalystAccounts.Created account) throws SQLException {
        return connect(account.name(), account.password());
    }

    static List<List<Object>> query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        return ((Number) query(c, sql).get(0).get(0)).longValue();
    }

    /** The audit entry whose SQL contains {@code marker}, once the endpoint's writer has written it (it writes after the fact). */
    QueryAuditLog.Entry auditEntry(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (QueryAuditLog.Entry e : audit.recent(null, null, 10_000)) {
                if (e.sql().contains(marker)) {
                    return e;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no audit entry of a statement containing " + marker + " within 60 s");
    }

    @Override
    public void close() {
        server.close();
    }
}
