package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /api/v1/analytics/usage over real calls counted by the limit script (Redis) and rows of the billing ledger
 * (PostgreSQL): groups, hour/day/month buckets, team scope, the plan gate and bad input.
 */
class UsageAnalyticsIT {
    /** Ten past an hour, so a call an hour later falls in the next hourly bucket. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(10));
    private static final Instant T1 = T0.plus(Duration.ofHours(1));
    private static final String TOP = "GET /api/v1/tracks/top";
    private static final List<String> ALL = List.of("read", "write", "admin");

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack(T0);

    private static String secret(ApiKeyStore.CreatedKey k) {
        return k.secret();
    }

    private static String id(ApiKeyStore.CreatedKey k) {
        return k.key().keyId();
    }

    /** The answer's totals by group ("null" for the null group). */
    private static Map<String, Long> totals(Http.Answer a) {
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        Map<String, Long> out = new HashMap<>();
        a.json().get("totals").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    /** The value of one group in one bucket, 0 when absent. */
    private static long cell(Http.Answer a, Instant bucket, String group) {
        long sum = 0;
        for (JsonNode row : a.json().get("rows")) {
            boolean sameGroup = group == null ? row.get("group").isNull() : group.equals(row.get("group").asText());
            if (Instant.parse(row.get("period_start").asText()).equals(bucket) && sameGroup) {
                sum += row.get("value").asLong();
            }
        }
        return sum;
    }

    private static void calls(HttpClient client, String key, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(get(client, "/api/v1/tracks/top", key).status()).isEqualTo(200);
        }
    }

    @Test
    void callsAreGroupedByKeyMemberTeamAndRouteInHourDayAndMonthBuckets() {
        String org = stack.org("usage", "pro");
        TeamStore teams = new TeamStore(stack.sql());
        String a = teams.createTeam(org, "team-a", "A").teamId();
        String b = teams.createTeam(org, "team-b", "B").teamId();
        String ops = teams.createTeam(org, "team-ops", "Ops").teamId();
        teams.addMember(org, a, "alice", "alice@usage.example", "admin");
        teams.addMember(org, b, "bob", "bob@usage.example", "member");
        teams.addMember(org, ops, "olga", "olga@usage.example", "owner");
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        ApiKeyStore.CreatedKey alice = keys.create(org, a, "alice", "alice", ALL, null);
        ApiKeyStore.CreatedKey bob = keys.create(org, b, "bob", "bob", List.of("read"), null);
        ApiKeyStore.CreatedKey orgKey = keys.create(org, null, null, "org key", List.of("read"), null);
        // The reader's own analytics calls are counted too: its key (org-wide, so it sees every team) is olga's.
        String reader = secret(keys.create(org, null, "olga", "reader", ALL, null));
        Instant day = T0.truncatedTo(ChronoUnit.DAYS);
        Instant month = LocalDate.ofInstant(T0, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        JavalinTest.test(stack.app(), (server, client) -> {
            stack.clock.set(T0);
            calls(client, secret(alice), 3);
            calls(client, secret(bob), 2);
            stack.clock.set(T1);
            calls(client, secret(bob), 1);
            calls(client, secret(orgKey), 1);

            String range = "&from=" + T0.minus(Duration.ofDays(2)) + "&to=" + T1.plus(Duration.ofHours(1));
            Http.Answer byKeyHourly = get(client, "/api/v1/analytics/usage?group_by=key&granularity=hour" + range, reader);
            Instant h0 = T0.truncatedTo(ChronoUnit.HOURS);
            Instant h1 = T1.truncatedTo(ChronoUnit.HOURS);
            assertThat(cell(byKeyHourly, h0, id(alice))).isEqualTo(3);
            assertThat(cell(byKeyHourly, h0, id(bob))).isEqualTo(2);
            assertThat(cell(byKeyHourly, h1, id(bob))).isEqualTo(1);
            assertThat(cell(byKeyHourly, h1, id(orgKey))).isEqualTo(1);
            assertThat(cell(byKeyHourly, h0, id(orgKey))).isZero();
            assertThat(byKeyHourly.json().get("measure").asText()).isEqualTo("calls");

            Http.Answer byKeyDaily = get(client, "/api/v1/analytics/usage?group_by=key&granularity=day" + range, reader);
            Instant d1 = T1.truncatedTo(ChronoUnit.DAYS);
            assertThat(cell(byKeyDaily, day, id(bob)) + (d1.equals(day) ? 0 : cell(byKeyDaily, d1, id(bob)))).isEqualTo(3);
            assertThat(totals(byKeyDaily)).containsEntry(id(alice), 3L).containsEntry(id(bob), 3L).containsEntry(id(orgKey), 1L);

            // A member's calls are those of the keys they own; org keys belong to no one (null).
            assertThat(totals(get(client, "/api/v1/analytics/usage?group_by=member&granularity=month" + range, reader)))
                    .containsEntry("alice", 3L).containsEntry("bob", 3L).containsEntry("null", 1L);
            Http.Answer byTeam = get(client, "/api/v1/analytics/usage?group_by=team&granularity=month" + range, reader);
            // Keys of no team (the org key and the reader's) form the null group.
            assertThat(totals(byTeam)).containsEntry(a, 3L).containsEntry(b, 3L).containsKey("null").doesNotContainKey(ops);
            assertThat(cell(byTeam, month, a)).isEqualTo(3);
            assertThat(totals(get(client, "/api/v1/analytics/usage?group_by=route" + range, reader))).containsEntry(TOP, 7L);

            // A team's admin sees their team only, and another team is not found to them.
            String aliceKey = secret(alice);
            Map<String, Long> teamA = totals(get(client, "/api/v1/analytics/usage?group_by=key" + range, aliceKey));
            assertThat(teamA).containsKey(id(alice)).doesNotContainKeys(id(bob), id(orgKey));
            assertProblem(get(client, "/api/v1/analytics/usage?group_by=key&team_id=" + b + range, aliceKey), 404, "not_found", null);
            // The org's admins may scope to any team of the org.
            assertThat(totals(get(client, "/api/v1/analytics/usage?group_by=member&team_id=" + b + range, reader))).containsOnlyKeys("bob");
            assertThat(get(client, "/api/v1/analytics/usage?group_by=key", secret(bob)).status()).as("a member's read key").isEqualTo(403);
        });
    }

    @Test
    void unitsByResourceComeFromTheLedgerForTheOrgOrOneTeam() {
        String org = stack.org("ledger", "enterprise");
        TeamStore teams = new TeamStore(stack.sql());
        String a = teams.createTeam(org, "team-a", "A").teamId();
        teams.addMember(org, a, "ann", "ann@ledger.example", "owner");
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        ApiKeyStore.CreatedKey ann = keys.create(org, a, "ann", "ann", ALL, null);
        ApiKeyStore.CreatedKey other = keys.create(org, null, null, "other", ALL, null);
        LocalDate d = LocalDate.of(2026, 10, 14);
        ledger(org, id(ann), "api_calls", "day", d, 100);
        ledger(org, id(other), "api_calls", "day", d, 20);
        ledger(org, id(ann), "audio_analysis", "day", d, 5);
        ledger(org, null, "model_training", "day", d.plusDays(1), 2);
        ledger(org, id(ann), "api_calls", "month", d.withDayOfMonth(1), 1000);
        ledger(org, id(ann), "api_calls", "day", d.minusMonths(1), 7);
        JavalinTest.test(stack.app(), (server, client) -> {
            String range = "&from=2026-10-01&to=2026-11-01";
            Http.Answer daily = get(client, "/api/v1/analytics/usage?group_by=resource&granularity=day" + range, secret(other));
            Instant d0 = d.atStartOfDay().toInstant(ZoneOffset.UTC);
            assertThat(cell(daily, d0, "api_calls")).isEqualTo(120);
            assertThat(cell(daily, d0, "audio_analysis")).isEqualTo(5);
            assertThat(cell(daily, d0.plus(Duration.ofDays(1)), "model_training")).as("usage without a key, org-wide").isEqualTo(2);
            assertThat(totals(daily)).as("September's row is outside the range").containsEntry("api_calls", 120L);
            assertThat(daily.json().get("measure").asText()).isEqualTo("units");

            Http.Answer monthly = get(client, "/api/v1/analytics/usage?group_by=resource&granularity=month" + range, secret(other));
            assertThat(totals(monthly)).containsOnly(Map.entry("api_calls", 1000L));
            assertThat(totals(get(client, "/api/v1/analytics/usage?group_by=resource&team_id=" + a + range, secret(other))))
                    .containsOnly(Map.entry("api_calls", 100L), Map.entry("audio_analysis", 5L));
        });
    }

    private static void ledger(String org, String keyId, String resource, String period, LocalDate start, long units) {
        stack.sql().update("ledger", "INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) VALUES (?, ?, ?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, org);
                    ps.setString(2, keyId);
                    ps.setString(3, resource);
                    ps.setString(4, period);
                    ps.setObject(5, start);
                    ps.setLong(6, units);
                });
    }

    @Test
    void badGroupsAndRangesAreRefusedWithTheirFieldAndPlansBelowProGetThe402() {
        String org = stack.org("usage-bad", "pro");
        String key = stack.key(org, "read", "write", "admin");
        String starter = stack.key(stack.org("usage-starter", "starter"), "read", "write", "admin");
        String other = stack.org("usage-elsewhere", "pro");
        String otherTeam = new TeamStore(stack.sql()).createTeam(other, "team-x", "X").teamId();
        stack.clock.set(T0);
        JavalinTest.test(stack.app(), (server, client) -> {
            String u = "/api/v1/analytics/usage";
            assertProblem(get(client, u, key), 400, "missing_field", "group_by");
            assertProblem(get(client, u + "?group_by=planet", key), 400, "invalid_field", "group_by");
            assertProblem(get(client, u + "?group_by=key&granularity=minute", key), 400, "invalid_field", "granularity");
            assertProblem(get(client, u + "?group_by=key&from=last-week", key), 400, "invalid_field", "from");
            assertProblem(get(client, u + "?group_by=key&to=2026-02-30", key), 400, "invalid_field", "to");
            assertProblem(get(client, u + "?group_by=key&from=2026-12-02&to=2026-12-01", key), 400, "invalid_field", "from");
            assertProblem(get(client, u + "?group_by=key&granularity=hour&from=2026-01-01&to=2026-06-01", key), 400, "invalid_field", "from");
            assertProblem(get(client, u + "?group_by=resource&granularity=hour", key), 400, "invalid_field", "granularity");
            assertProblem(get(client, u + "?group_by=key&team_id=" + otherTeam, key), 404, "not_found", null);

            Http.Answer gated = get(client, u + "?group_by=key", starter);
            assertThat(gated.status()).isEqualTo(402);
            assertThat(gated.json().get("current_plan").asText()).isEqualTo("starter");
            assertThat(gated.json().get("required_plans").toString()).contains("pro").contains("enterprise");

            // Calls older than the counters' retention: the answer says where its data starts.
            Http.Answer old = get(client, u + "?group_by=key&from=" + T0.minus(Duration.ofDays(60)).truncatedTo(ChronoUnit.DAYS)
                    + "&to=" + T0, key);
            assertThat(old.status()).as(old.text()).isEqualTo(200);
            assertThat(Instant.parse(old.json().get("data_from").asText()))
                    .isEqualTo(T0.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(35)));
        });
    }
}
