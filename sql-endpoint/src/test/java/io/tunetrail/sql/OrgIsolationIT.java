package io.tunetrail.sql;

import static io.tunetrail.sql.SqlEndpointFixture.count;
import static io.tunetrail.sql.SqlEndpointFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.sql.lake.LakeCatalog;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An org-bound account attacks the endpoint through hive-jdbc, the way a curious analyst would: every statement below
 * must fail, each refusal naming the relation or command and why, and no statement may return another org's row.
 */
class OrgIsolationIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static SqlEndpointFixture endpoint;
    static String own;
    static String other;
    /** When the lake's first version was committed: time travel to it resolves, so only the guard can refuse it. */
    static String firstCommit;

    @BeforeAll
    static void start() throws Exception {
        endpoint = new SqlEndpointFixture(DB, Path.of("target", "org-isolation-it-" + System.nanoTime()).toAbsolutePath());
        own = LakeCatalog.orgDatabase(endpoint.orgA);
        other = LakeCatalog.orgDatabase(endpoint.orgB);
        // Org B's views exist (its analyst logged in once), so reaching them is a real attempt, not a missing table.
        endpoint.server.lake().ensureOrg(endpoint.orgB);
        firstCommit = endpoint.server.spark().sql("DESCRIBE HISTORY lake.interactions").where("version = 0")
                .selectExpr("CAST(timestamp AS STRING)").first().getString(0);
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    record Attempt(String sql, String expected) {}

    static List<Attempt> attacks(String lakeDir) {
        String raw = "lake.interactions";
        String mine = own + ".interactions";
        String theirs = other + ".interactions";
        return List.of(
                new Attempt("SELECT * FROM " + raw, "table spark_catalog.lake.interactions is not a view of " + own),
                new Attempt("SELECT count(*) FROM " + theirs, "is not one of the views of " + own),
                new Attempt("SELECT a.* FROM " + mine + " a JOIN " + raw + " b ON a.user_id = b.user_id", "lake.interactions"),
                new Attempt("SELECT * FROM " + mine + " WHERE track_id IN (SELECT track_id FROM " + raw + ")", "lake.interactions"),
                new Attempt("SELECT * FROM " + mine + " WHERE EXISTS (SELECT 1 FROM " + theirs + ")", "is not one of the views"),
                new Attempt("WITH t AS (SELECT * FROM " + raw + ") SELECT count(*) FROM t", "lake.interactions"),
                new Attempt("SELECT org_id FROM " + mine + " UNION ALL SELECT org_id FROM " + raw, "lake.interactions"),
                new Attempt("SELECT org_id FROM " + mine + " UNION SELECT org_id FROM " + theirs, "is not one of the views"),
                new Attempt("SELECT count(*) FROM " + raw + " VERSION AS OF 0", "lake.interactions"),
                new Attempt("SELECT count(*) FROM " + raw + " TIMESTAMP AS OF '" + firstCommit + "'", "lake.interactions"),
                new Attempt("SELECT count(*) FROM " + mine + " VERSION AS OF 0", "Time travel on the relation"),
                new Attempt("DESCRIBE HISTORY " + raw, "DescribeDeltaHistory"),
                new Attempt("DESCRIBE HISTORY " + mine, "is a view. 'DESCRIBE HISTORY' expects a table"),
                new Attempt("SELECT * FROM delta.`" + lakeDir + "/raw/interactions`", "raw/interactions] is not a view of " + own),
                new Attempt("SELECT * FROM parquet.`" + lakeDir + "/raw/interactions`", "raw/interactions] is not a view of " + own),
                new Attempt("SELECT * FROM text.`" + lakeDir + "/raw/interactions/_delta_log`", "_delta_log] is not a view of " + own),
                new Attempt("SELECT * FROM lake.dead_letters", "lake.dead_letters"),
                new Attempt("SHOW TABLES IN lake", "outside " + own),
                new Attempt("SHOW TABLES IN " + other, "outside " + own),
                new Attempt("SHOW DATABASES", "ShowNamespaces"),
                new Attempt("DESCRIBE TABLE " + raw, "outside " + own),
                new Attempt("USE lake", "outside " + own),
                new Attempt("CREATE TEMPORARY VIEW leak AS SELECT * FROM " + raw, "not allowed"),
                new Attempt("CREATE TEMPORARY VIEW mine AS SELECT * FROM " + mine, "not allowed"),
                new Attempt("CACHE TABLE leak AS SELECT * FROM " + raw, "not allowed"),
                new Attempt("SET spark.sql.extensions=none", "may not change settings"),
                new Attempt("SET spark.sql.runSQLOnFiles=true", "may not change settings"),
                new Attempt("INSERT INTO " + raw + " SELECT * FROM " + mine, "read-only"),
                new Attempt("DELETE FROM " + raw + " WHERE org_id = 'x'", "read-only"),
                new Attempt("UPDATE " + raw + " SET user_id = 'x'", "read-only"),
                new Attempt("DROP VIEW " + mine, "read-only"),
                new Attempt("CREATE VIEW " + own + ".v2 AS SELECT * FROM " + raw, "read-only"),
                new Attempt("ALTER VIEW " + mine + " AS SELECT * FROM " + raw, "read-only"),
                new Attempt("CREATE TABLE " + own + ".copy USING delta AS SELECT * FROM " + raw, "read-only"),
                new Attempt("SELECT reflect('java.lang.System', 'getProperty', 'user.home')", "not available to analysts"),
                new Attempt("SELECT java_method('java.lang.System', 'exit', 0)", "not available to analysts"));
    }

    @Test
    void everyAttackFailsAndNoneReturnsAnotherOrgsRow() throws Exception {
        List<String> successes = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        try (Connection c = endpoint.connectAs(endpoint.boundToA)) {
            for (Attempt a : attacks(endpoint.config.offlineStore().toString())) {
                try {
                    List<List<Object>> rows = query(c, a.sql());
                    successes.add(a.sql() + " -> " + rows.size() + " rows");
                } catch (SQLException refused) {
                    String message = String.valueOf(refused.getMessage());
                    System.out.println("refused: " + a.sql() + "\n    -> " + message.lines().findFirst().orElse(""));
                    if (!message.contains(a.expected())) {
                        unexplained.add(a.sql() + " -> " + message.lines().findFirst().orElse(""));
                    }
                }
            }
            // The session still works for what it may do, and sees only its org.
            assertThat(query(c, "SELECT DISTINCT org_id FROM " + own + ".interactions")).containsExactly(List.of(endpoint.orgA));
        }
        assertThat(successes).as("statements an org-bound account must not run").isEmpty();
        assertThat(unexplained).as("refusals that do not say which relation or command and why").isEmpty();
    }

    @Test
    void catalogueCallsOfAnOrgBoundAccountListOnlyItsOrgsViews() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThat(column(c.getMetaData().getSchemas(), "TABLE_SCHEM")).as("what there is to hide").contains("lake", own, other);
        }
        try (Connection c = endpoint.connectAs(endpoint.boundToA)) {
            DatabaseMetaData meta = c.getMetaData();
            assertThat(column(meta.getSchemas(), "TABLE_SCHEM")).containsExactly(own);
            assertThat(column(meta.getSchemas(null, "%"), "TABLE_SCHEM")).containsExactly(own);
            assertThat(column(meta.getTables(null, null, "%", null), "TABLE_SCHEM")).containsOnly(own).isNotEmpty();
            assertThat(column(meta.getTables(null, "org%", "%", null), "TABLE_NAME")).containsExactly("interactions");
            assertThat(column(meta.getColumns(null, null, "%", "%"), "TABLE_SCHEM")).containsOnly(own).isNotEmpty();
            for (String schema : List.of("lake", other, "%lake%", "default")) {
                assertThatThrownBy(() -> meta.getTables(null, schema, "%", null)).as(schema)
                        .hasMessageContaining("refused by the SQL endpoint").hasMessageContaining("'" + schema + "'")
                        .hasMessageContaining("may list only " + own);
            }
            assertThatThrownBy(() -> meta.getColumns(null, "lake", "%", "%")).hasMessageContaining("may list only " + own);
            // Spark answers functions per database the schema pattern matches: a way to list databases.
            assertThatThrownBy(() -> meta.getFunctions(null, "lake", "%")).hasMessageContaining("may list only " + own);
        }
    }

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        try (rs) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(name));
            }
            return values;
        }
    }

    @Test
    void anOrgBoundAccountListsDescribesAndUsesItsOwnDatabase() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.boundToA)) {
            assertThat(query(c, "SHOW TABLES IN " + own)).extracting(r -> r.get(1)).containsExactly("interactions");
            assertThat(query(c, "DESCRIBE " + own + ".interactions")).extracting(r -> r.get(0)).contains("org_id", "user_id");
            query(c, "USE " + own);
            assertThat(count(c, "SELECT count(*) FROM interactions")).isEqualTo(25);
            assertThat(count(c, "WITH t AS (SELECT user_id FROM interactions) SELECT count(DISTINCT user_id) FROM t")).isPositive();
        }
    }

    @Test
    void theSameAttacksRunForAnUnrestrictedAnalystExceptWritesAndJavaCalls() throws Exception {
        try (Connection c = endpoint.connectAs(endpoint.everyOrg)) {
            assertThat(count(c, "SELECT count(*) FROM lake.interactions VERSION AS OF 0")).isEqualTo(35);
            assertThat(count(c, "SELECT count(*) FROM delta.`" + endpoint.config.offlineStore() + "/raw/interactions`")).isEqualTo(40);
            for (String write : List.of("DELETE FROM lake.interactions WHERE org_id = 'x'", "DROP TABLE lake.interactions",
                    "SELECT reflect('java.lang.System', 'getProperty', 'user.home')")) {
                assertThatThrownBy(() -> query(c, write)).hasMessageContaining("refused by the SQL endpoint");
            }
        }
    }
}
