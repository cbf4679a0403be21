package io.tunetrail.store.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.testing.CappedPlans;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Cost caps against the real PostgreSQL: month to date, holds of queued jobs, and concurrent requests at the cap. */
class CostCapIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    static final CostCatalog PRICES = CostCatalog.load();

    @TempDir
    static Path dir;

    static HikariDataSource pool;
    static PlanCatalog plans;

    @BeforeAll
    static void setUp() throws IOException {
        pool = Database.connect(DB.config(), 12);
        plans = CappedPlans.enterpriseCapped(Path.of(".."), dir);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static CostMeter meter(Instant at) {
        return new CostMeter(pool, plans, PRICES, Clock.fixed(at, ZoneOffset.UTC), CapThresholds.NONE);
    }

    static CostCap cap(Instant at) {
        return new CostCap(plans, new OrgCosts(PRICES), Clock.fixed(at, ZoneOffset.UTC));
    }

    /** Records a measured training run costing {@code usd}. */
    static void spend(String org, String job, double usd) {
        meter(NOW).record(new CostMeter.Run(org, "training", job, 1, usd / PRICES.cpuSecondUsd("training"), 0, Map.of()));
    }

    static long queued(String org) throws SQLException {
        try (Connection c = pool.getConnection(); var ps = c.prepareStatement("SELECT count(*) FROM training_requests WHERE org_id = ?")) {
            ps.setString(1, org);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void concurrentRequestsAtTheCapDoNotAllPass() throws Exception {
        String org = DB.newOrg("enterprise");
        double hold = PRICES.holdUsd("training");
        assertThat(hold).isPositive();
        // 1.5 holds below the cap: the first request leaves half a hold of room, the second fills it, the rest are refused.
        spend(org, "seed", 10 - 1.5 * hold);
        TrainingQueue queue = new TrainingQueue(pool, plans, cap(NOW));
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool8 = Executors.newFixedThreadPool(threads);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            outcomes.add(pool8.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                try {
                    queue.submit(org, "als", Map.of(), null);
                    return "queued";
                } catch (CostCapReached refused) {
                    return "refused";
                }
            }));
        }
        List<String> results = new ArrayList<>();
        for (Future<String> f : outcomes) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        pool8.shutdown();
        assertThat(results).filteredOn("queued"::equals).hasSize(2);
        assertThat(results).filteredOn("refused"::equals).hasSize(threads - 2);
        assertThat(queued(org)).isEqualTo(2);
    }

    @Test
    void theRefusalSaysWhatWasSpentTheCapAndWhenItResets() throws Exception {
        String org = DB.newOrg("enterprise");
        spend(org, "big", 10.25);
        TrainingQueue queue = new TrainingQueue(pool, plans, cap(NOW));
        assertThatThrownBy(() -> queue.submit(org, "als", Map.of(), null)).isInstanceOfSatisfying(CostCapReached.class, e -> {
            assertThat(e.spentUsd()).isEqualByComparingTo("10.25");
            assertThat(e.capUsd()).isEqualByComparingTo("10");
            assertThat(e.heldUsd()).isEqualByComparingTo("0");
            assertThat(e.resetsAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        });
        assertThat(queued(org)).isZero();
        // Next month the org starts again from nothing.
        new TrainingQueue(pool, plans, cap(Instant.parse("2027-01-01T00:00:01Z"))).submit(org, "als", Map.of(), null);
        assertThat(queued(org)).isEqualTo(1);
    }

    @Test
    void costedApiCallsOfTheLedgerCountTowardsTheCap() throws Exception {
        String org = DB.newOrg("enterprise");
        long calls = Math.round(10 / PRICES.perCallUsd("api_calls"));
        DB.execute("INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) VALUES "
                + "('" + org + "', NULL, 'api_calls', 'day', '2026-12-02', " + calls + "), "
                // Last month's calls and the month row (the sum of days) are not this month's days: not counted again.
                + "('" + org + "', NULL, 'api_calls', 'day', '2026-11-30', " + calls + "), "
                + "('" + org + "', NULL, 'api_calls', 'month', '2026-12-01', " + calls + ")");
        try (Connection c = pool.getConnection()) {
            OrgCosts.MonthToDate m = new OrgCosts(PRICES).monthToDate(c, org, YearMonth.of(2026, 12));
            assertThat(m.apiUsd()).isEqualByComparingTo(BigDecimal.valueOf(calls).multiply(BigDecimal.valueOf(PRICES.perCallUsd("api_calls"))));
            assertThat(m.measuredUsd()).isEqualByComparingTo("0");
        }
        assertThatThrownBy(() -> new TrainingQueue(pool, plans, cap(NOW)).submit(org, "als", Map.of(), null))
                .isInstanceOf(CostCapReached.class);
    }

    @Test
    void aCapWithoutHardStopLetsWorkGoOn() throws Exception {
        String org = DB.newOrg("pro");
        assertThat(plans.plan("pro").costCaps().hardStop()).isFalse();
        spend(org, "over", 600);
        try (Connection c = pool.getConnection()) {
            String plan = Database.inTransaction(c, tx -> cap(NOW).admit(tx, org));
            assertThat(plan).isEqualTo("pro");
        }
    }
}
