package io.tunetrail.sql;

import static io.tunetrail.sql.SqlEndpointFixture.count;
import static io.tunetrail.sql.SqlEndpointFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tunetrail.sql.lake.LakeCatalog;
import io.tunetrail.store.analyst.QueryAuditLog;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The endpoint through hive-jdbc, as a BI tool uses it: logins, tables by name, time travel, limits, bad SQL. */
class SqlEndpointIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static SqlEndpointFixture endpoint;

    @BeforeAll
    static void start() throws Exception {
        endpoint = new SqlEndpointFixture(DB, Path.of("target", "sql-endpoint-it-" + System.nanoTime()).toAbsolutePath());
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void anUnrestrictedAnalystQueriesEveryTableByNameWithTimeTravelAndHistory() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThat(count(c, "SELECT count(*) FROM lake.interactions")).isEqualTo(40);
            assertThat(count(c, "SELECT count(*) FROM lake.interactions VERSION AS OF 0")).isEqualTo(35);
            List<List<Object>> history = query(c, "DESCRIBE HISTORY lake.interactions");
            assertThat(history).hasSize(2);
            Object firstCommit = history.stream().filter(r -> ((Number) r.get(0)).longValue() == 0).findFirst().orElseThrow().get(1);
            assertThat(count(c, "SELECT count(*) FROM lake.interactions TIMESTAMP AS OF '" + firstCommit + "'")).isEqualTo(35);
            assertThat(count(c, "SELECT count(DISTINCT org_id) FROM lake.interactions")).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM lake.dead_letters")).isEqualTo(1);
            assertThat(query(c, "SHOW TABLES IN lake")).extracting(r -> r.get(1)).contains("interactions", "dead_letters");
        }
    }

    @Test
    void anOrgBoundAnalystSeesOnlyItsOrgsRows() throws Exception {
        String db = LakeCatalog.orgDatabase(endpoint.orgA);
        try (Connection c = endpoint.connectAs(endpoint.boundToA)) {
            assertThat(count(c, "SELECT count(*) FROM " + db + ".interactions")).isEqualTo(25);
            assertThat(query(c, "SELECT DISTINCT org_id FROM " + db + ".interactions")).containsExactly(List.of(endpoint.orgA));
            assertThat(query(c, "SHOW TABLES IN " + db)).extracting(r -> r.get(1)).containsExactly("interactions");
        }
    }

    @Test
    void anEnterpriseKeyWithTheBiScopeLogsInBoundToItsOrg() throws Exception {
        try (Connection c = endpoint.connect(SqlEndpointFixture.BI_KEY_ID, SqlEndpointFixture.BI_KEY)) {
            assertThat(count(c, "SELECT count(*) FROM " + LakeCatalog.orgDatabase(endpoint.orgA) + ".interactions")).isEqualTo(25);
            assertThatThrownBy(() -> query(c, "SELECT count(*) FROM lake.interactions")).hasMessageContaining("refused");
        }
    }

    @Test
    void wrongCredentialsAreRefused() {
        assertThatThrownBy(() -> endpoint.connect(endpoint.everyOrg.name(), "not-the-password").close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> endpoint.connect(SqlEndpointFixture.READ_KEY_ID, SqlEndpointFixture.READ_KEY).close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> endpoint.connect("nobody", "x").close()).isInstanceOf(SQLException.class);
    }

    @Test
    void aQueryOverTheRowLimitFailsNamingTheLimit() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThat(query(c, "SELECT * FROM lake.interactions LIMIT " + SqlEndpointFixture.MAX_ROWS)).hasSize(SqlEndpointFixture.MAX_ROWS);
            assertThatThrownBy(() -> query(c, "SELECT * FROM lake.interactions"))
                    .hasMessageContaining("more than " + SqlEndpointFixture.MAX_ROWS + " rows").hasMessageContaining("sql.max-rows");
            assertThat(count(c, "SELECT count(*) FROM (SELECT * FROM lake.interactions) t WHERE track_id IN (SELECT track_id FROM lake.interactions)"))
                    .as("only the statement's own answer is bounded, not its subqueries").isEqualTo(40);
            // Small answers spread over several partitions (a UNION of limited reads) are within the limit too.
            assertThat(query(c, "(SELECT track_id FROM lake.interactions LIMIT 3) UNION ALL (SELECT track_id FROM lake.interactions LIMIT 2)"))
                    .hasSize(5);
        }
    }

    @Test
    void aQueryOverTheTimeLimitIsCancelledNamingTheLimit() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            long t0 = System.nanoTime();
            // 10^12 rows: no machine finishes this, so only the limit can end it.
            assertThatThrownBy(() -> query(c, "SELECT sum(a.id * b.id) FROM range(0, 1000000000) a CROSS JOIN range(0, 1000) b"))
                    .hasMessageContaining("longer than " + SqlEndpointFixture.TIME_LIMIT_SECONDS + " s")
                    .hasMessageContaining("sql.query-timeout-seconds");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).as("cancelled at the limit, not before and not long after")
                    .isBetween((double) SqlEndpointFixture.TIME_LIMIT_SECONDS, SqlEndpointFixture.TIME_LIMIT_SECONDS + 30.0);
            // Cancelled tasks stop at their next check; on two cores the next query would queue behind them.
            while (endpoint.server.spark().sparkContext().statusTracker().getActiveJobIds().length > 0) {
                Thread.sleep(100);
            }
            assertThat(count(c, "SELECT count(*) FROM lake.interactions")).as("the session goes on").isEqualTo(40);
            QueryAuditLog.Entry audited = endpoint.auditEntry("range(0, 1000000000)");
            assertThat(audited.outcome()).isEqualTo(QueryAuditLog.Outcome.CANCELLED);
            assertThat(audited.reason()).contains("sql.query-timeout-seconds");
            assertThat(audited.durationMs()).isGreaterThanOrEqualTo(SqlEndpointFixture.TIME_LIMIT_SECONDS * 1000L);
        }
    }

    @Test
    void everyStatementIsAuditedWithAccountOrgRowsAndOutcome() throws Exception {
        String m = "m" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThat(query(c, "SELECT track_id, '" + m + "-ok' AS marker FROM lake.interactions WHERE org_id = '" + endpoint.orgB + "'")).hasSize(15);
            assertThatThrownBy(() -> query(c, "SELEC '" + m + "-bad'")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> query(c, "SELECT track_id, '" + m + "-many' FROM lake.interactions")).hasMessageContaining("sql.max-rows");
            String padding = "x".repeat(QueryAuditLog.MAX_SQL_CHARS);
            assertThat(query(c, "SELECT '" + m + "-long', length('" + padding + "')")).hasSize(1);
        }
        try (Connection c = endpoint.connectAs(endpoint.boundToA)) {
            assertThatThrownBy(() -> query(c, "SELECT count(*), '" + m + "-refused' FROM lake.interactions")).hasMessageContaining("refused");
        }
        try (Connection c = endpoint.connect(SqlEndpointFixture.BI_KEY_ID, SqlEndpointFixture.BI_KEY)) {
            assertThat(count(c, "SELECT count(*) FROM " + LakeCatalog.orgDatabase(endpoint.orgA) + ".interactions WHERE track_id <> '" + m + "-key'"))
                    .isEqualTo(25);
        }

        QueryAuditLog.Entry ok = endpoint.auditEntry(m + "-ok");
        assertThat(ok.account()).isEqualTo(endpoint.everyOrg.name());
        assertThat(ok.accountKind()).isEqualTo("analyst");
        assertThat(ok.orgId()).as("an every-org analyst").isNull();
        assertThat(ok.outcome()).isEqualTo(QueryAuditLog.Outcome.OK);
        assertThat(ok.rows()).isEqualTo(15L);
        assertThat(ok.reason()).isNull();
        assertThat(ok.durationMs()).isNotNegative();

        QueryAuditLog.Entry bad = endpoint.auditEntry(m + "-bad");
        assertThat(bad.outcome()).isEqualTo(QueryAuditLog.Outcome.FAILED);
        assertThat(bad.reason()).contains("PARSE_SYNTAX_ERROR");
        assertThat(bad.rows()).isNull();

        QueryAuditLog.Entry many = endpoint.auditEntry(m + "-many");
        assertThat(many.outcome()).as("the row limit is the endpoint's rule").isEqualTo(QueryAuditLog.Outcome.REFUSED);
        assertThat(many.reason()).contains("sql.max-rows");

        QueryAuditLog.Entry refused = endpoint.auditEntry(m + "-refused");
        assertThat(refused.account()).isEqualTo(endpoint.boundToA.name());
        assertThat(refused.orgId()).isEqualTo(endpoint.orgA);
        assertThat(refused.outcome()).isEqualTo(QueryAuditLog.Outcome.REFUSED);
        assertThat(refused.reason()).contains("lake.interactions is not a view of " + LakeCatalog.orgDatabase(endpoint.orgA));

        QueryAuditLog.Entry key = endpoint.auditEntry(m + "-key");
        assertThat(key.account()).isEqualTo(SqlEndpointFixture.BI_KEY_ID);
        assertThat(key.accountKind()).isEqualTo("api_key");
        assertThat(key.orgId()).isEqualTo(endpoint.orgA);
        assertThat(key.rows()).isEqualTo(1L);

        QueryAuditLog.Entry longOne = endpoint.auditEntry(m + "-long");
        assertThat(longOne.sql()).as("the stored text is bounded").hasSize(QueryAuditLog.MAX_SQL_CHARS);
        assertThat(longOne.sqlLength()).isGreaterThan(QueryAuditLog.MAX_SQL_CHARS);
        assertThat(longOne.outcome()).isEqualTo(QueryAuditLog.Outcome.OK);

        assertThat(endpoint.audit.recent(endpoint.boundToA.name(), null, 100)).extracting(QueryAuditLog.Entry::account)
                .containsOnly(endpoint.boundToA.name());
    }

    @Test
    void aSlowAuditTableNeverHoldsAQuery() throws Exception {
        String m = "m" + UUID.randomUUID().toString().replace("-", "");
        try (Connection pg = DB.dataSource().getConnection(); Statement lock = pg.createStatement()) {
            pg.setAutoCommit(false);
            // Every insert into the audit now waits until this transaction ends: PostgreSQL as slow as it gets.
            lock.execute("LOCK TABLE sql_query_audit IN ACCESS EXCLUSIVE MODE");
            try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
                for (int i = 0; i < 3; i++) {
                    String sql = "SELECT count(*) FROM lake.interactions WHERE track_id <> '" + m + "-" + i + "'";
                    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(90), () -> count(c, sql)))
                            .as("answered while the audit table is locked").isEqualTo(40);
                }
            }
            pg.rollback();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(endpoint.auditEntry(m + "-" + i).outcome()).as("written once the database answers").isEqualTo(QueryAuditLog.Outcome.OK);
        }
    }

    @Test
    void badSqlGetsTheEnginesMessageWithItsPosition() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThatThrownBy(() -> query(c, "SELEC count(*) FROM lake.interactions"))
                    .hasMessageContaining("PARSE_SYNTAX_ERROR").hasMessageContaining("line 1, pos 0");
            assertThatThrownBy(() -> query(c, "SELECT nope FROM lake.interactions"))
                    .hasMessageContaining("nope").hasMessageContaining("line 1 pos 7");
        }
    }
}
