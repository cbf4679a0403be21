package io.tunetrail.sql;

import static io.tunetrail.sql.SqlEndpointFixture.count;
import static io.tunetrail.sql.SqlEndpointFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.sql.lake.LakeCatalog;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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
