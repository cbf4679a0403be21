package io.tunetrail.store.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.testing.FreshDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cost meter against the real PostgreSQL: priced rows, recorded once, thresholds of the cap crossed once. */
class CostMeterIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    static final CostCatalog PRICES = CostCatalog.load();
    static final PlanCatalog PLANS = PlanCatalog.load();
    static HikariDataSource pool;

    @BeforeAll
    static void setUp() {
        pool = Database.connect(DB.config(), 4);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    @Test
    void aRunIsPricedPerCpuSecondOfItsKindAndRecordedOnce() throws Exception {
        String org = DB.newOrg("starter");
        List<CapThresholds.Crossing> crossed = new CopyOnWriteArrayList<>();
        CostMeter meter = new CostMeter(pool, PLANS, PRICES, Clock.fixed(NOW, ZoneOffset.UTC), crossed::add);
        CostMeter.Run run = new CostMeter.Run(org, "nightly", "run-1/als", 1, 100, 20, Map.of("job_group", "g"));
        CostMeter.Recorded first = meter.record(run);
        assertThat(first.firstTime()).isTrue();
        assertThat(first.usd().doubleValue()).isCloseTo(120 * PRICES.cpuSecondUsd("nightly"), within(1e-8));
        CostMeter.Recorded again = meter.record(run);
        assertThat(again.firstTime()).isFalse();
        assertThat(again.usd()).isZero();
        // A retry is another attempt: it cost again.
        meter.record(new CostMeter.Run(org, "nightly", "run-1/als", 2, 10, 0, Map.of()));
        try (Connection c = pool.getConnection()) {
            List<OrgCosts.Line> lines = new OrgCosts(PRICES).lines(c, org, LocalDate.of(2026, 12, 1), LocalDate.of(2027, 1, 1));
            assertThat(lines).singleElement().satisfies(l -> {
                assertThat(l.day()).isEqualTo(LocalDate.of(2026, 12, 6));
                assertThat(l.kind()).isEqualTo("nightly");
                assertThat(l.runs()).isEqualTo(2);
                assertThat(l.cpuSeconds()).isEqualTo(130.0);
            });
        }
        assertThat(crossed).isEmpty();
    }

    @Test
    void eachThresholdOfTheCapIsCrossedOnceByTheCostThatCrossesIt() throws Exception {
        String org = DB.newOrg("starter");
        double cap = PLANS.plan("starter").costCaps().monthlyUsd();
        List<CapThresholds.Crossing> crossed = new CopyOnWriteArrayList<>();
        CostMeter meter = new CostMeter(pool, PLANS, PRICES, Clock.fixed(NOW, ZoneOffset.UTC), crossed::add);
        double perSecond = PRICES.cpuSecondUsd("training");
        meter.record(new CostMeter.Run(org, "training", "a", 1, 0.4 * cap / perSecond, 0, Map.of()));
        assertThat(crossed).isEmpty();
        // From 40% to 85%: 50 and 80 at once.
        meter.record(new CostMeter.Run(org, "training", "b", 1, 0.45 * cap / perSecond, 0, Map.of()));
        assertThat(crossed).extracting(CapThresholds.Crossing::percent).containsExactly(50, 80);
        assertThat(crossed.get(0).month()).isEqualTo(YearMonth.of(2026, 12));
        assertThat(crossed.get(0).hardStop()).isTrue();
        meter.record(new CostMeter.Run(org, "training", "c", 1, 0.2 * cap / perSecond, 0, Map.of()));
        assertThat(crossed).extracting(CapThresholds.Crossing::percent).containsExactly(50, 80, 100);
        meter.record(new CostMeter.Run(org, "training", "d", 1, 0.2 * cap / perSecond, 0, Map.of()));
        assertThat(crossed).hasSize(3);
    }

    @Test
    void anUnknownKindOrOrgIsRefused() {
        assertThatThrownBy(() -> new CostMeter.Run("x", "mining", "j", 1, 1, 0, Map.of())).hasMessageContaining("mining");
        CostMeter meter = new CostMeter(pool, PLANS, PRICES, Clock.fixed(NOW, ZoneOffset.UTC), CapThresholds.NONE);
        assertThatThrownBy(() -> meter.record(new CostMeter.Run("no-such-org", "training", "j", 1, 1, 0, Map.of())))
                .hasMessageContaining("no-such-org");
    }

    @Test
    void aDayOfStorageCostsItsShareOfTheGbMonthOnceAndCountsTowardTheCap() throws Exception {
        String org = DB.newOrg("starter");
        List<CapThresholds.Crossing> crossed = new CopyOnWriteArrayList<>();
        CostMeter meter = new CostMeter(pool, PLANS, PRICES, Clock.fixed(NOW, ZoneOffset.UTC), crossed::add);
        long gib = 1L << 30;
        // 31 GiB for one day of December's 31: one GB-month's price.
        CostMeter.Recorded first = meter.recordStorage(org, 30 * gib, gib);
        assertThat(first.firstTime()).isTrue();
        assertThat(first.usd().doubleValue()).isCloseTo(PRICES.storageGbMonthUsd(), within(1e-8));
        // The nightly run again the same day: the day's row stands, nothing is added.
        CostMeter.Recorded again = meter.recordStorage(org, 60 * gib, gib);
        assertThat(again.firstTime()).isFalse();
        assertThat(again.usd()).isZero();
        try (Connection c = pool.getConnection()) {
            assertThat(new OrgCosts(PRICES).lines(c, org, LocalDate.of(2026, 12, 1), LocalDate.of(2027, 1, 1))).singleElement().satisfies(l -> {
                assertThat(l.source()).isEqualTo("storage");
                assertThat(l.kind()).isEqualTo(CostMeter.STORAGE);
                assertThat(l.day()).isEqualTo(LocalDate.of(2026, 12, 6));
                assertThat(l.cpuSeconds()).isZero();
                assertThat(l.runs()).isEqualTo(1);
            });
            assertThat(new OrgCosts(PRICES).monthToDate(c, org, YearMonth.of(2026, 12)).spentUsd().doubleValue())
                    .isCloseTo(PRICES.storageGbMonthUsd(), within(1e-8));
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id || ' ' || (details->>'bytes_audio') || ' ' || (details->>'bytes_offline') "
                    + "FROM usage_costs WHERE org_id = ?")) {
                ps.setString(1, org);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("2026-12-06 " + 30 * gib + " " + gib);
                }
            }
        }
        // Storage is month-to-date cost like any job's: enough of it crosses the cap's first threshold.
        double cap = PLANS.plan("starter").costCaps().monthlyUsd();
        CostMeter nextDay = new CostMeter(pool, PLANS, PRICES, Clock.fixed(NOW.plusSeconds(86_400), ZoneOffset.UTC), crossed::add);
        long halfCapGib = (long) Math.ceil(0.5 * cap * 31 / PRICES.storageGbMonthUsd());
        nextDay.recordStorage(org, halfCapGib * gib, 0);
        assertThat(crossed).extracting(CapThresholds.Crossing::percent).containsExactly(50);
    }
}
