package io.tunetrail.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.costs.CostMeter;
import io.tunetrail.store.testing.FreshDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cost-cap alerts end to end on the real PostgreSQL: costs recorded by two meters (the batch JVM's and the API JVM's,
 * each with its own recorder) cross the starter plan's $50 cap at 50 and 80 % and leave exactly one alert, webhook
 * delivery and owner e-mail per threshold and month.
 */
class CostCapAlertsIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static final Instant DECEMBER = Instant.parse("2026-12-06T10:00:00Z");
    static final Instant JANUARY = Instant.parse("2027-01-02T08:00:00Z");
    static final CostCatalog PRICES = CostCatalog.load();
    static final PlanCatalog PLANS = PlanCatalog.load();
    static HikariDataSource pool;

    @BeforeAll
    static void setUp() {
        pool = Database.connect(DB.config(), 8);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    /** A meter as one JVM builds it: its own recorder and alert adapter over the shared database. */
    private static CostMeter meter(Instant at) {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        return new CostMeter(pool, PLANS, PRICES, clock, new CostCapAlerts(new AlertRecorder(pool, clock), clock));
    }

    private static CostMeter.Run costing(String org, String job, double usd) {
        return new CostMeter.Run(org, "training", job, 1, usd / PRICES.cpuSecondUsd("training"), 0, Map.of());
    }

    @Test
    void costsOfTwoJvmsCrossingFiftyAndEightyPercentAlertEachThresholdOnce() throws Exception {
        String org = orgWithOwnerAndWebhook("starter");
        CostMeter batch = meter(DECEMBER);
        CostMeter api = meter(DECEMBER);
        batch.record(costing(org, "a", 20));
        assertThat(alerts(org)).isEmpty();
        api.record(costing(org, "b", 6));
        batch.record(costing(org, "c", 15));
        // Recording the same measurement again (a retried report) adds no cost and no alert.
        api.record(costing(org, "c", 15));
        assertThat(alerts(org)).containsExactly("cost_cap cost_usd month 2026-12-01 50", "cost_cap cost_usd month 2026-12-01 80");
        assertThat(count("SELECT count(*) FROM webhook_deliveries WHERE org_id = ? AND event_type = 'usage.threshold_reached'", org)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM email_outbox WHERE org_id = ? AND to_address = 'owner@example.com'", org)).isEqualTo(2);
        assertThat(text("SELECT subject FROM email_outbox WHERE org_id = ? ORDER BY email_id LIMIT 1", org))
                .contains("reached 50% of its monthly cost cap");
        assertThat(text("SELECT payload->'data'->>'limit' FROM webhook_deliveries WHERE org_id = ? LIMIT 1", org)).isEqualTo("50.0");
    }

    @Test
    void twoJvmsRecordingTheSameCrossingAtOnceLeaveOneAlert() throws Exception {
        String org = orgWithOwnerAndWebhook("starter");
        Crossing x = new Crossing(org, Crossing.COST_CAP, Crossing.COST_RESOURCE, Crossing.MONTH, DECEMBER.atZone(ZoneOffset.UTC).toLocalDate()
                .withDayOfMonth(1), 80, new BigDecimal("50"), new BigDecimal("41"), DECEMBER);
        AlertRecorder batch = new AlertRecorder(pool, Clock.fixed(DECEMBER, ZoneOffset.UTC));
        AlertRecorder api = new AlertRecorder(pool, Clock.fixed(DECEMBER, ZoneOffset.UTC));
        AtomicInteger written = new AtomicInteger();
        for (int round = 0; round < 20; round++) {
            Crossing xi = new Crossing(x.orgId(), x.kind(), x.resource(), x.period(), x.periodStart().minusMonths(round), x.thresholdPercent(),
                    x.limit(), x.used(), x.reachedAt());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService two = Executors.newFixedThreadPool(2);
            List<Future<Boolean>> results = new ArrayList<>();
            for (AlertRecorder r : List.of(batch, api)) {
                results.add(two.submit(() -> {
                    start.await();
                    return r.record(xi);
                }));
            }
            start.countDown();
            for (Future<Boolean> f : results) {
                written.addAndGet(f.get() ? 1 : 0);
            }
            two.shutdown();
        }
        assertThat(written.get()).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM alerts WHERE org_id = ?", org)).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM email_outbox WHERE org_id = ?", org)).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM webhook_deliveries WHERE org_id = ?", org)).isEqualTo(20);
    }

    @Test
    void costsRecordedAtOnceByTwoMetersCrossAThresholdOnce() throws Exception {
        String org = orgWithOwnerAndWebhook("starter");
        CostMeter batch = meter(DECEMBER);
        CostMeter api = meter(DECEMBER);
        batch.record(costing(org, "base", 20));
        // Each cost alone stays below $25; together they cross 50 %. The meter's org lock orders them.
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<CostMeter.Recorded>> results = new ArrayList<>();
        results.add(two.submit(() -> {
            start.await();
            return batch.record(costing(org, "x", 3));
        }));
        results.add(two.submit(() -> {
            start.await();
            return api.record(costing(org, "y", 3));
        }));
        start.countDown();
        for (Future<CostMeter.Recorded> f : results) {
            f.get();
        }
        two.shutdown();
        assertThat(alerts(org)).containsExactly("cost_cap cost_usd month 2026-12-01 50");
    }

    @Test
    void aNewMonthAlertsAgain() throws Exception {
        String org = orgWithOwnerAndWebhook("starter");
        meter(DECEMBER).record(costing(org, "dec", 26));
        meter(JANUARY).record(costing(org, "jan", 26));
        assertThat(alerts(org)).containsExactly("cost_cap cost_usd month 2026-12-01 50", "cost_cap cost_usd month 2027-01-01 50");
    }

    @Test
    void apiCallsOfTheLedgerReachingTheCapAlertOnceWhenTheLanderRechecksTheMonth() throws Exception {
        String org = orgWithOwnerAndWebhook("starter");
        CostMeter lander = meter(DECEMBER);
        // $0.0001 a call: 260,000 calls are $26, past 50% of starter's $50 cap; nothing went through record().
        ledgerDay(org, "2026-12-03", 260_000);
        assertThat(lander.recheckMonth(org, java.time.YearMonth.of(2026, 12))).extracting(c -> c.percent()).containsExactly(50);
        assertThat(alerts(org)).containsExactly("cost_cap cost_usd month 2026-12-01 50");
        // The next landing sees the same month again: the 50% alert is not repeated.
        lander.recheckMonth(org, java.time.YearMonth.of(2026, 12));
        assertThat(count("SELECT count(*) FROM email_outbox WHERE org_id = ?", org)).isEqualTo(1);
        ledgerDay(org, "2026-12-04", 150_000);
        lander.recheckMonth(org, java.time.YearMonth.of(2026, 12));
        assertThat(alerts(org)).containsExactly("cost_cap cost_usd month 2026-12-01 50", "cost_cap cost_usd month 2026-12-01 80");
        // A job's cost afterwards crosses nothing new: the API calls are part of the month it starts from.
        meter(DECEMBER).record(costing(org, "after", 1));
        assertThat(count("SELECT count(*) FROM webhook_deliveries WHERE org_id = ? AND event_type = 'usage.threshold_reached'", org)).isEqualTo(2);
        assertThat(lander.recheckMonth("no-such-org", java.time.YearMonth.of(2026, 12))).isEmpty();
    }

    private static void ledgerDay(String org, String day, long apiCalls) throws Exception {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) "
                        + "VALUES (?, NULL, 'api_calls', 'day', ?::date, ?)")) {
            ps.setString(1, org);
            ps.setString(2, day);
            ps.setLong(3, apiCalls);
            ps.executeUpdate();
        }
    }

    @Test
    void aPlanWithoutACapNeverAlerts() throws Exception {
        String org = orgWithOwnerAndWebhook("enterprise");
        assertThat(PLANS.plan("enterprise").costCaps().monthlyUsd()).isNull();
        meter(DECEMBER).record(costing(org, "big", 1_000_000));
        assertThat(alerts(org)).isEmpty();
        assertThat(count("SELECT count(*) FROM email_outbox WHERE org_id = ?", org)).isZero();
    }

    private static String orgWithOwnerAndWebhook(String plan) throws Exception {
        String org = DB.newOrg(plan);
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO members (org_id, member_id, email, role) VALUES (?, 'm-owner', "
                    + "'owner@example.com', 'owner')")) {
                ps.setString(1, org);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_endpoints (org_id, webhook_id, url, secret, events) "
                    + "VALUES (?, 'wh_1', 'https://hooks.example.com/tt', 'whsec_test_secret_000000000001', '{usage.threshold_reached}')")) {
                ps.setString(1, org);
                ps.executeUpdate();
            }
        }
        return org;
    }

    private static List<String> alerts(String org) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT kind, resource, period, period_start, threshold_percent FROM alerts "
                        + "WHERE org_id = ? ORDER BY period_start, threshold_percent")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getDate(4) + " " + rs.getInt(5));
                }
            }
        }
        return out;
    }

    private static long count(String sql, String org) throws Exception {
        return Long.parseLong(text(sql, org));
    }

    private static String text(String sql, String org) throws Exception {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
