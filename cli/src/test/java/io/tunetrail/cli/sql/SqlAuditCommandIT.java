package io.tunetrail.cli.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.Json;
import io.tunetrail.cli.CliError;
import io.tunetrail.store.analyst.QueryAuditLog;
import io.tunetrail.store.analyst.QueryAuditLog.Outcome;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ./tunetrail sql audit}: the trail the endpoint writes, read back newest first, filtered, in both formats. */
class SqlAuditCommandIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @Test
    void listsTheNewestEntriesOfAnAccountWithTheirOutcome() throws Exception {
        String org = DB.newOrg("enterprise");
        QueryAuditLog log = new QueryAuditLog(DB.dataSource());
        Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
        log.record(List.of(
                QueryAuditLog.Entry.bounded("s1", "ana", "analyst", null, "x", "SELECT 1", t0, 12, 1L, Outcome.OK, null),
                QueryAuditLog.Entry.bounded("s2", "bob", "analyst", org, "y", "SELECT *\nFROM lake.interactions", t0.plusSeconds(1), 3, null,
                        Outcome.REFUSED, "refused by the SQL endpoint: table spark_catalog.lake.interactions is not a view"),
                QueryAuditLog.Entry.bounded("s3", "bob", "analyst", org, "y", "SELECT 2", t0.plusSeconds(2), 5, 1L, Outcome.OK, null)));
        // A retried batch: recorded once.
        log.record(List.of(QueryAuditLog.Entry.bounded("s3", "bob", "analyst", org, "y", "SELECT 2", t0.plusSeconds(2), 5, 1L, Outcome.OK, null)));

        List<QueryAuditLog.Entry> bob = log.recent("bob", null, 10);
        assertThat(bob).extracting(QueryAuditLog.Entry::statementId).containsExactly("s3", "s2");
        assertThat(log.recent(null, org, 1)).extracting(QueryAuditLog.Entry::statementId).containsExactly("s3");
        assertThat(log.recent(null, null, 10)).hasSize(3);

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        SqlAuditCommand.print(bob, "json", new PrintStream(json, true, StandardCharsets.UTF_8));
        List<String> lines = json.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode refused = Json.mapper().readTree(lines.get(1));
        assertThat(refused.get("outcome").asText()).isEqualTo("refused");
        assertThat(refused.get("org_id").asText()).isEqualTo(org);
        assertThat(refused.get("rows").isNull()).isTrue();
        assertThat(refused.get("reason").asText()).contains("is not a view");

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        SqlAuditCommand.print(bob, "table", new PrintStream(table, true, StandardCharsets.UTF_8));
        List<String> rows = table.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(2)).contains("refused").contains("SELECT * FROM lake.interactions").contains(org);
    }

    @Test
    void aLimitOutOfRangeIsAUsageError() {
        SqlAuditCommand command = new SqlAuditCommand();
        command.limit = 0;
        command.format = "table";
        assertThatThrownBy(command::call).isInstanceOfSatisfying(CliError.class, e -> assertThat(e.exitCode()).isEqualTo(CliError.USAGE))
                .hasMessageContaining("--limit 0");
    }
}
