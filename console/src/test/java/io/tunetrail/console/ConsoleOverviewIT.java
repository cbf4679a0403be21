package io.tunetrail.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.auth.Role;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.testing.ConsoleClient;
import io.tunetrail.console.testing.ConsoleTestStack;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The overview's alerts and cost over HTTP: who sees and acknowledges what, another org's alert, the cost chart's data. */
class ConsoleOverviewIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private ConsoleClient signedIn(ConsoleAccounts.CreatedUser user) {
        ConsoleClient c = new ConsoleClient(stack.base());
        assertThat(c.signIn(user.email(), user.password()).statusCode()).isEqualTo(303);
        return c;
    }

    private long alert(String org) {
        return stack.sql().one("an alert", "INSERT INTO alerts (org_id, kind, resource, period, period_start, threshold_percent, limit_value, "
                + "used_value, reached_at) VALUES (?, 'cost_cap', 'cost_usd', 'month', date_trunc('month', now())::date, 50, 500, 251.5, now()) "
                + "RETURNING alert_id", ps -> ps.setString(1, org), rs -> rs.getLong(1)).orElseThrow();
    }

    private String acknowledgedBy(String org, long id) {
        return stack.sql().one("ack", "SELECT coalesce(acknowledged_by, '') FROM alerts WHERE org_id = ? AND alert_id = ?", ps -> {
            ps.setString(1, org);
            ps.setLong(2, id);
        }, rs -> rs.getString(1)).orElseThrow();
    }

    @Test
    void aMemberSeesNeitherAlertsNorCostAndCannotAcknowledge() {
        String org = stack.org("member-view", "pro");
        long id = alert(org);
        ConsoleClient member = signedIn(stack.user(org, "member", Role.MEMBER));
        String page = member.get("/console").body();
        assertThat(page).contains("Alerts are for owners and admins", "Costs are for owners and admins").doesNotContain("alerts-table", "costs.js");
        HttpResponse<String> ack = member.post("/console/alerts/" + id + "/acknowledge", "csrf", ConsoleClient.csrfOf(page));
        assertThat(ack.statusCode()).isEqualTo(403);
        assertThat(acknowledgedBy(org, id)).isEmpty();
        assertThat(member.get("/console/api/costs").statusCode()).isEqualTo(403);
    }

    @Test
    void anAdminAcknowledgesTheirOrgsAlertButAnotherOrgsIsNotFound() {
        String org = stack.org("ack", "pro");
        String other = stack.org("other", "pro");
        long mine = alert(org);
        long theirs = alert(other);
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleClient c = signedIn(admin);
        String page = c.get("/console").body();
        assertThat(page).contains("Cost cap: 50 % reached", "$251.50", "$500.00");
        String csrf = ConsoleClient.csrfOf(page);

        assertThat(c.post("/console/alerts/" + theirs + "/acknowledge", "csrf", csrf).statusCode()).isEqualTo(404);
        assertThat(acknowledgedBy(other, theirs)).isEmpty();
        assertThat(c.post("/console/alerts/" + mine + "/acknowledge").statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(acknowledgedBy(org, mine)).isEmpty();
        assertThat(c.post("/console/alerts/" + mine + "/acknowledge", "csrf", csrf).statusCode()).isEqualTo(303);
        assertThat(acknowledgedBy(org, mine)).isEqualTo(admin.memberId());
        assertThat(c.get("/console").body()).contains("id=\"no-alerts\"");
    }

    @Test
    void theCostChartsDataIsTheMonthToDateByDayAgainstThePlansCap() {
        String org = stack.org("costs", "starter");
        LocalDate today = LocalDate.ofInstant(stack.clock.instant(), ZoneOffset.UTC);
        stack.sql().update("a cost", "INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES (?, 'nightly', 'n-1', ?, 60, 2.5)",
                ps -> {
                    ps.setString(1, org);
                    ps.setObject(2, today);
                });
        ConsoleClient c = signedIn(stack.user(org, "owner", Role.OWNER));
        String json = c.get("/console/api/costs").body();
        assertThat(json).contains("\"days\":[\"" + today.withDayOfMonth(1) + "\"", "\"" + today + "\"]", "\"cap_usd\":50.0");
        assertThat(json).matches(".*\"cumulative_usd\":\\[[^\\]]*2\\.5\\].*");
        assertThat(c.get("/console").body()).contains("id=\"chart-cost\"", "/console/static/costs.js");
    }
}
