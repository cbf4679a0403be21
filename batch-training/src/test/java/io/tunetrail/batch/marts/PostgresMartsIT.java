package io.tunetrail.batch.marts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.nightly.PostgresQuery;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.testing.FreshDatabase;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The marts read from PostgreSQL, on a hand-built database whose figures are worked out below: revenue per plan
 * (paying orgs by subscription status, MRR at list price, the month's ledger units) and costs per org, day and kind.
 */
class PostgresMartsIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static final YearMonth DECEMBER = YearMonth.of(2026, 12);
    static String s1;
    static String p2;

    @BeforeAll
    static void seed() throws Exception {
        // starter: active and past_due pay, canceled does not; pro: trialing does not, active does; free and the
        // community edition never pay.
        s1 = org("starter", "active", 1);
        org("starter", "past_due", 2);
        String s3 = org("starter", "canceled", 3);
        org("pro", "trialing", 4);
        p2 = org("pro", "active", 5);
        org("free", null, 6);
        String c1 = org("community", null, 7);
        DB.execute("UPDATE organisations SET edition = 'community' WHERE org_id = '" + c1 + "'");

        ledger(s1, "api_calls", "month", "2026-12-01", 1000);
        ledger(s1, "audio_analysis", "month", "2026-12-01", 5);
        ledger(s3, "api_calls", "month", "2026-12-01", 200);
        ledger(p2, "api_calls", "month", "2026-12-01", 7000);
        // Not December's month total: another month, and a day row.
        ledger(s1, "api_calls", "month", "2026-11-01", 999);
        ledger(s1, "api_calls", "day", "2026-12-03", 50);

        cost(s1, "training", "j1", "2026-12-01", 10, "0.5");
        cost(s1, "training", "j2", "2026-12-01", 20, "1.25");
        cost(s1, "nightly", "r1/als", "2026-12-02", 5, "0.1");
        cost(p2, "training", "j3", "2026-12-01", 1, "0.01");
    }

    @Test
    void revenuePerPlanCountsPayingSubscriptionsAtListPriceWithTheMonthsLedgerUnits() {
        SparkSession spark = LocalSpark.get();
        List<Row> rows = RevenueMart.monthly(DECEMBER, PostgresQuery.rows(spark, DB.config(), RevenueMart.ORGS_QUERY),
                PostgresQuery.rows(spark, DB.config(), RevenueMart.ledgerQuery(DECEMBER)),
                RevenueMart.prices(spark, PlanCatalog.load())).orderBy("plan_id").collectAsList();
        assertThat(rows.stream().map(PostgresMartsIT::revenue)).containsExactly(
                "2026-12-01 community orgs 1 paying 0 price null mrr 0.0 units null",
                "2026-12-01 free orgs 1 paying 0 price 0.0 mrr 0.0 units null",
                "2026-12-01 pro orgs 2 paying 1 price 299.0 mrr 299.0 units {api_calls=7000}",
                "2026-12-01 starter orgs 3 paying 2 price 49.0 mrr 98.0 units {api_calls=1200, audio_analysis=5}");
    }

    @Test
    void costsPerOrgDayAndKindSumTheMeasuredRuns() {
        SparkSession spark = LocalSpark.get();
        List<String> rows = CostsMart.daily(PostgresQuery.rows(spark, DB.config(), CostsMart.QUERY))
                .orderBy("org_id", "cost_date", "kind").collectAsList().stream()
                .map(r -> r.getAs("org_id") + " " + r.getAs("cost_date") + " " + r.getAs("kind") + " runs " + r.getAs("runs")
                        + " cpu " + r.getAs("cpu_seconds") + " usd " + r.getAs("usd"))
                .toList();
        assertThat(rows).containsExactly(
                p2 + " 2026-12-01 training runs 1 cpu 1.0 usd 0.01000000",
                s1 + " 2026-12-01 training runs 2 cpu 30.0 usd 1.75000000",
                s1 + " 2026-12-02 nightly runs 1 cpu 5.0 usd 0.10000000");
    }

    private static String revenue(Row r) {
        Map<String, Long> units = r.isNullAt(r.fieldIndex("metered_units")) ? null : new TreeMap<>(r.getJavaMap(r.fieldIndex("metered_units")));
        return r.getAs("revenue_month") + " " + r.getAs("plan_id") + " orgs " + r.getAs("orgs") + " paying " + r.getAs("paying_orgs")
                + " price " + r.getAs("list_price_usd") + " mrr " + r.getAs("mrr_usd") + " units " + units;
    }

    private static String org(String plan, String status, int n) throws Exception {
        String org = DB.newOrg(plan);
        if (status != null) {
            DB.execute("UPDATE organisations SET stripe_customer_id = 'cus_t" + n + "', stripe_subscription_id = 'sub_t" + n
                    + "' WHERE org_id = '" + org + "'");
            DB.execute("INSERT INTO stripe_subscription_state (subscription_id, org_id, status, last_event_id, last_event_created) "
                    + "VALUES ('sub_t" + n + "', '" + org + "', '" + status + "', 'evt_t" + n + "', now())");
        }
        return org;
    }

    private static void ledger(String org, String resource, String period, String start, long units) throws Exception {
        DB.execute("INSERT INTO usage_ledger (org_id, resource, period, period_start, units) VALUES ('" + org + "', '" + resource + "', '"
                + period + "', DATE '" + start + "', " + units + ")");
    }

    private static void cost(String org, String kind, String job, String day, double cpu, String usd) throws Exception {
        DB.execute("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('" + org + "', '" + kind + "', '" + job
                + "', DATE '" + day + "', " + cpu + ", " + usd + ")");
    }
}
