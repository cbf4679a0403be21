package io.tunetrail.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.testing.StripeStandIn;
import io.tunetrail.cli.testing.CliProcess;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tunetrail billing sync | reconcile} as operators and the DAG run them: the CLI in a JVM of its own against a
 * fresh database and a local Stripe stand-in, its one JSON object parsed, its exit codes and one-line reasons checked.
 */
class BillingCommandIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    Path home;

    @Test
    void syncSendsEachClosedDayOnceReconcileAgreesOrExits4AndBadInputExitsWithAReason() throws Exception {
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Sql sql = new Sql(DB.dataSource());
        new OrgStore(sql).create("acme", "Acme", "pro", "cloud");
        sql.update("link", "UPDATE organisations SET stripe_customer_id = 'cus_AcmeCli1' WHERE org_id = 'acme'", ps -> { });
        sql.update("ledger", "INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) "
                + "VALUES ('acme', null, 'api_calls', 'day', ?, 12)", ps -> ps.setDate(1, Date.valueOf(yesterday)));

        try (StripeStandIn stripe = new StripeStandIn()) {
            stripe.meter("tunetrail_api_calls");
            CliProcess cli = new CliProcess(home, DB.config());

            CliProcess.Run noKey = cli.run("billing", "sync");
            assertThat(noKey.exit()).as(noKey.err()).isEqualTo(1);
            assertThat(noKey.err()).contains("api.stripe.api-key");
            CliProcess.Run dry = cli.run("billing", "sync", "--dry-run");
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(Json.mapper().readTree(dry.out()).get("sent").get(0).get("units").asLong()).isEqualTo(12);
            assertThat(stripe.received("POST", "/v1/")).isEmpty();

            cli.with(PlatformConfig.API_STRIPE_API_KEY, "sk_test_standin").with(PlatformConfig.API_STRIPE_API_BASE, stripe.base())
                    .with(PlatformConfig.API_STRIPE_RETRY_BASE_MS, "5");
            stripe.fail("/v1/billing/meter_events", 500, 4);
            CliProcess.Run failed = cli.run("billing", "sync");
            assertThat(failed.exit()).as("a failed day exits 1; the next sync sends it").isEqualTo(1);
            assertThat(failed.err()).doesNotContain("sk_test_standin");
            JsonNode sent = Json.mapper().readTree(cli.run("billing", "sync").out());
            assertThat(sent.get("sent").get(0).get("identifier").asText()).isEqualTo("tt:acme:api_calls:" + yesterday);
            assertThat(sent.get("sent").get(0).get("attempts").asInt()).as("4 failed attempts, then 1").isEqualTo(5);
            assertThat(stripe.received("POST", "/v1/billing/meter_events")).hasSize(5);

            CliProcess.Run reconcile = cli.run("billing", "reconcile");
            assertThat(reconcile.exit()).as(reconcile.err()).isZero();
            JsonNode r = Json.mapper().readTree(reconcile.out());
            assertThat(r.get("days_compared").asInt()).isEqualTo(1);
            assertThat(r.get("differences").asInt()).isZero();

            // The lander recomputes the day after it was sent: the report flags it and the exit code says so.
            sql.update("recompute", "UPDATE usage_ledger SET units = 13 WHERE org_id = 'acme'", ps -> { });
            CliProcess.Run differs = cli.run("billing", "reconcile");
            assertThat(differs.exit()).as(differs.err()).isEqualTo(4);
            assertThat(differs.err().strip().lines().count()).as(differs.err()).isEqualTo(1);
            assertThat(differs.err()).contains("1 of 1 compared days differ");
            JsonNode flagged = Json.mapper().readTree(differs.out());
            assertThat(flagged.get("differences").asInt()).isEqualTo(1);
            assertThat(flagged.get("rows").get(0).toString()).contains("ledger_changed_after_report");

            CliProcess.Run bad = cli.run("billing", "reconcile", "--from", "2026-13-01");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
            assertThat(bad.err()).contains("--from '2026-13-01' is not a date");
        }
    }
}
