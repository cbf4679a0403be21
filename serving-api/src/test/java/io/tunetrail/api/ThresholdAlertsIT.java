package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.alerts.AlertStore;
import io.tunetrail.store.alerts.Crossing;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.store.online.RedisKeys;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Threshold alerts over the real PostgreSQL and Redis: each of 50/80/100% fires once per period, exactly one alert
 * however many racing requests cross a threshold, a new period fires again, webhook deliveries and owner e-mails go
 * with each alert, acknowledgement, tenancy and bad input.
 */
class ThresholdAlertsIT {
    // Days relative to the real date: quota counters expire at absolute times (period end + 2 days).
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack(TODAY.atTime(10, 0).toInstant(ZoneOffset.UTC));

    private static final String METERED = "/api/v1/tracks/top";
    private static final Duration WRITTEN = Duration.ofSeconds(20);

    private record Received(String event, String body) {}

    @Test
    void fiftyEightyAndHundredPercentOfADailyQuotaEachAlertOnceWithAWebhookAndMailToTheOwners() throws Exception {
        Instant now = TODAY.atTime(10, 0).toInstant(ZoneOffset.UTC);
        stack.clock.set(now);
        String org = stack.org("daily", "pro");
        String admin = stack.key(org, "read", "admin");
        member(org, "m-alice", "alice@daily.example", "owner", false);
        member(org, "m-carol", "carol@daily.example", "owner", true);
        member(org, "m-bob", "bob@daily.example", "admin", false);
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(received);
        try {
            Javalin app = stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()), 0);
            JavalinTest.test(app, (server, client) -> {
                String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
                assertThat(post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url + "\", \"events\": [\"usage.threshold_reached\"]}")
                        .status()).isEqualTo(201);
                // pro: 100,000 api_calls a day. Each step leaves the counter one below a threshold; the next call reaches it.
                long used = 0;
                for (long mark : new long[] {50_000, 80_000, 100_000}) {
                    stack.redis.store().addUsage(org, "api_calls", mark - 1 - used, now);
                    used = mark - 1;
                    assertThat(get(client, METERED, admin).status()).as("the call reaching %d", mark).isEqualTo(200);
                    used++;
                    if (mark < 100_000) {
                        assertThat(get(client, METERED, admin).status()).as("a call past %d", mark).isEqualTo(200);
                        used++;
                    }
                }
                assertThat(get(client, METERED, admin).status()).as("the quota is used up").isEqualTo(429);
                assertThat(ServingApp.alerts(server).awaitIdle(WRITTEN)).isTrue();

                JsonNode alerts = get(client, "/api/v1/alerts", admin).json().get("alerts");
                assertThat(alerts).hasSize(3);
                // Newest first; the clock did not move, so the later alert (higher id) comes first.
                assertThat(alerts.findValuesAsText("threshold_percent")).containsExactly("100", "80", "50");
                for (JsonNode a : alerts) {
                    assertThat(a.get("kind").asText()).isEqualTo("quota");
                    assertThat(a.get("resource").asText()).isEqualTo("api_calls");
                    assertThat(a.get("period").asText()).isEqualTo("day");
                    assertThat(a.get("period_start").asText()).isEqualTo(TODAY.toString());
                    assertThat(a.get("limit").asLong()).isEqualTo(100_000);
                    assertThat(a.get("used").asLong()).isEqualTo(1_000L * a.get("threshold_percent").asInt());
                    assertThat(a.get("resets_at").asText()).isEqualTo(TODAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
                    assertThat(a.get("acknowledged").asBoolean()).isFalse();
                }

                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(3);
                assertThat(received).extracting(Received::event).containsOnly("usage.threshold_reached").hasSize(3);
                List<Integer> announced = new ArrayList<>();
                for (Received r : received) {
                    JsonNode data = Json.mapper().readTree(r.body()).get("data");
                    announced.add(data.get("threshold_percent").asInt());
                    assertThat(data.get("resource").asText()).isEqualTo("api_calls");
                    assertThat(data.get("limit").asLong()).isEqualTo(100_000);
                }
                assertThat(announced).containsExactlyInAnyOrder(50, 80, 100);

                // One message per alert to the one current owner: not the removed owner, not the admin.
                List<String> mail = stack.sql().list("outbox", "SELECT to_address || ' ' || subject FROM email_outbox WHERE org_id = ? "
                        + "AND sent_at IS NULL AND attempts = 0 ORDER BY email_id", ps -> ps.setString(1, org), rs -> rs.getString(1));
                assertThat(mail).containsExactly(
                        "alice@daily.example TuneTrail: Org daily reached 50% of its daily api calls quota",
                        "alice@daily.example TuneTrail: Org daily reached 80% of its daily api calls quota",
                        "alice@daily.example TuneTrail: Org daily reached 100% of its daily api calls quota");
                String body = stack.sql().one("body", "SELECT body FROM email_outbox WHERE org_id = ? ORDER BY email_id LIMIT 1",
                        ps -> ps.setString(1, org), rs -> rs.getString(1)).orElseThrow();
                assertThat(body).contains("50,000").contains("100,000").contains(TODAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void twoHundredRacingRequestsAcrossAThresholdGiveExactlyOneAlert() throws Exception {
        Instant now = TODAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
        stack.clock.set(now);
        String org = stack.org("race", "pro");
        List<String> keys = List.of(stack.key(org, "read"), stack.key(org, "read"), stack.key(org, "read"), stack.key(org, "read"));
        String admin = stack.key(org, "read", "admin");
        // 100 below 50%: 200 calls from 32 threads over 4 keys (each inside its burst) take it 100 past it.
        stack.redis.store().addUsage(org, "api_calls", 49_900, now);
        JavalinTest.test(stack.app(), (server, client) -> {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                HttpClient http = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(10)).build();
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(client.getOrigin() + METERED))
                            .header("Authorization", "Bearer " + keys.get(i % 4)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                assertThat(calls.stream().map(c -> c.join().statusCode()).toList()).containsOnly(200).hasSize(200);
            } finally {
                pool.shutdown();
            }
            assertThat(ServingApp.alerts(server).awaitIdle(WRITTEN)).isTrue();
            JsonNode alerts = get(client, "/api/v1/alerts", admin).json().get("alerts");
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).get("threshold_percent").asInt()).isEqualTo(50);
            assertThat(alerts.get(0).get("used").asLong()).isEqualTo(50_000);
            // Detected in process: the one crossing request, no duplicate reached the database.
            assertThat(ServingApp.alerts(server).recorded()).isEqualTo(1);
            assertThat(ServingApp.alerts(server).duplicates()).isZero();
        });
    }

    @Test
    void theDatabaseKeepsOneAlertWhenInstancesRecordTheSameCrossingAtOnce() throws Exception {
        String org = stack.org("backstop", "pro");
        member(org, "m-owner", "owner@backstop.example", "owner", false);
        AlertStore store = new AlertStore(stack.sql(), stack.clock);
        Crossing x = new Crossing(org, Crossing.QUOTA, "audio_analysis", Crossing.DAY, TODAY, 80, BigDecimal.valueOf(1000), BigDecimal.valueOf(800),
                stack.clock.instant());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return store.record(x);
            }));
        }
        start.countDown();
        int recorded = 0;
        for (Future<Boolean> f : results) {
            recorded += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(recorded).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM alerts WHERE org_id = ?", org)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM email_outbox WHERE org_id = ?", org)).isEqualTo(1);
    }

    @Test
    void aNewDayAlertsAgainAndAMonthlyQuotaAlertsPerMonth() {
        Instant today = TODAY.atTime(23, 0).toInstant(ZoneOffset.UTC);
        Instant tomorrow = TODAY.plusDays(1).atTime(1, 0).toInstant(ZoneOffset.UTC);
        stack.clock.set(today);
        // free: 1,000 api_calls a day and 20,000 a month.
        String org = stack.org("periods", "free");
        String key = stack.key(org, "read", "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            stack.redis.store().addUsage(org, "api_calls", 499, today);
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            stack.clock.set(tomorrow);
            stack.redis.store().addUsage(org, "api_calls", 499, tomorrow);
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            // The month's counter alone to one below 50% of 20,000 (the day's stays far from its limit).
            YearMonth month = YearMonth.from(TODAY.plusDays(1));
            stack.redis.jedis().set(RedisKeys.usageMonth(org, "api_calls", month), "9999");
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            assertThat(ServingApp.alerts(server).awaitIdle(WRITTEN)).isTrue();

            JsonNode alerts = get(client, "/api/v1/alerts", key).json().get("alerts");
            List<String> seen = new ArrayList<>();
            alerts.forEach(a -> seen.add(a.get("period").asText() + " " + a.get("period_start").asText() + " " + a.get("threshold_percent").asInt()));
            assertThat(seen).containsExactly(
                    "month " + month.atDay(1) + " 50",
                    "day " + TODAY.plusDays(1) + " 50",
                    "day " + TODAY + " 50");
        });
    }

    @Test
    void acknowledgingFiltersPagesTenancyAndBadInput() {
        Instant now = TODAY.atTime(14, 0).toInstant(ZoneOffset.UTC);
        stack.clock.set(now);
        String org = stack.org("ack", "free");
        String admin = stack.key(org, "read", "admin");
        member(org, "m-plain", "plain@ack.example", "member", false);
        String plainMember = new ApiKeyStore(stack.sql()).create(org, null, "m-plain", "member key", List.of("read", "write"), null).secret();
        String other = stack.org("ack-other", "free");
        String otherAdmin = stack.key(other, "read", "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            // free, 1,000 a day: from 0 to 1,000 in three steps, one alert per threshold.
            stack.redis.store().addUsage(org, "api_calls", 999, now);
            assertThat(get(client, METERED, admin).status()).isEqualTo(200);
            assertThat(ServingApp.alerts(server).awaitIdle(WRITTEN)).isTrue();
            JsonNode all = get(client, "/api/v1/alerts", admin).json().get("alerts");
            assertThat(all.findValuesAsText("threshold_percent")).as("one call from 999 to 1,000 crosses only 100%").containsExactly("100");
            stack.redis.jedis().del(RedisKeys.usageDay(org, "api_calls", TODAY));
            stack.redis.store().addUsage(org, "api_calls", 499, now);
            assertThat(get(client, METERED, admin).status()).isEqualTo(200);
            stack.redis.store().addUsage(org, "api_calls", 299, now);
            assertThat(get(client, METERED, admin).status()).isEqualTo(200);
            assertThat(ServingApp.alerts(server).awaitIdle(WRITTEN)).isTrue();

            Http.Answer first = get(client, "/api/v1/alerts?limit=2", admin);
            assertThat(first.json().get("alerts").findValuesAsText("threshold_percent")).containsExactly("80", "50");
            Http.Answer second = get(client, "/api/v1/alerts?limit=2&cursor=" + first.json().get("next_cursor").asText(), admin);
            assertThat(second.json().get("alerts").findValuesAsText("threshold_percent")).containsExactly("100");
            assertThat(second.json().get("next_cursor").isNull()).isTrue();

            String id = first.json().get("alerts").get(0).get("alert_id").asText();
            Http.Answer acked = post(client, "/api/v1/alerts/" + id + "/acknowledge", admin, null);
            assertThat(acked.status()).as(acked.text()).isEqualTo(200);
            assertThat(acked.json().get("acknowledged").asBoolean()).isTrue();
            assertThat(acked.json().get("acknowledged_by").asText()).startsWith("key_");
            Http.Answer again = post(client, "/api/v1/alerts/" + id + "/acknowledge", admin, null);
            assertThat(again.json().get("acknowledged_at").asText()).as("the first acknowledgement stays").isEqualTo(acked.json().get("acknowledged_at").asText());
            assertThat(get(client, "/api/v1/alerts?acknowledged=true", admin).json().get("alerts").findValuesAsText("alert_id")).containsExactly(id);
            assertThat(get(client, "/api/v1/alerts?acknowledged=false", admin).json().get("alerts").findValuesAsText("threshold_percent"))
                    .containsExactly("50", "100");
            JsonNode audit = get(client, "/api/v1/audit-log?action=alert", admin).json().get("entries");
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).get("target_id").asText()).isEqualTo(id);

            // Another org: its admin neither sees nor acknowledges these alerts, and learns nothing (404, as for none).
            assertThat(get(client, "/api/v1/alerts", otherAdmin).json().get("alerts")).isEmpty();
            String unacked = second.json().get("alerts").get(0).get("alert_id").asText();
            assertProblem(post(client, "/api/v1/alerts/" + unacked + "/acknowledge", otherAdmin, null), 404, "not_found", null);
            assertThat(get(client, "/api/v1/alerts?acknowledged=true", admin).json().get("alerts")).hasSize(1);
            assertProblem(post(client, "/api/v1/alerts/999999999/acknowledge", admin, null), 404, "not_found", null);

            assertProblem(get(client, "/api/v1/alerts", plainMember), 403, "insufficient_role", null);
            assertProblem(post(client, "/api/v1/alerts/abc/acknowledge", admin, null), 400, "invalid_field", "alert_id");
            assertProblem(post(client, "/api/v1/alerts/0/acknowledge", admin, null), 400, "invalid_field", "alert_id");
            assertProblem(post(client, "/api/v1/alerts/99999999999999999999/acknowledge", admin, null), 400, "invalid_field", "alert_id");
            assertProblem(get(client, "/api/v1/alerts?acknowledged=maybe", admin), 400, "invalid_field", "acknowledged");
            assertProblem(get(client, "/api/v1/alerts?limit=0", admin), 400, "invalid_field", "limit");
            assertProblem(get(client, "/api/v1/alerts?limit=many", admin), 400, "invalid_field", "limit");
            assertProblem(get(client, "/api/v1/alerts?cursor=not-a-cursor", admin), 400, "invalid_field", "cursor");
        });
    }

    @Test
    void theSeatsAndTracksAnOrgHoldsAlertAtEachThresholdOnceAMonth() {
        Instant now = TODAY.atTime(10, 0).toInstant(ZoneOffset.UTC);
        stack.clock.set(now);
        String org = stack.org("held", "starter"); // starter: 5 team members, 10,000 tracks
        String admin = stack.key(org, "read", "write", "admin");
        member(org, "m-olga", "olga@held.example", "owner", false);
        String team = new io.tunetrail.api.store.TeamStore(stack.sql()).createTeam(org, "team-held", "Held").teamId();
        stack.sql().update("tracks", "INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) "
                + "SELECT ?, 'bulk-' || g, 'Bulk', 1000, 1 FROM generate_series(1, 4998) g", ps -> ps.setString(1, org));
        JavalinTest.test(stack.app(), (server, client) -> {
            // One seat of five is taken: the third takes it to 60% (50% crossed), the fourth to 80%, the fifth to 100%.
            for (int seat = 2; seat <= 6; seat++) {
                Http.Answer added = post(client, "/api/v1/teams/" + team + "/members", admin, "{\"email\":\"p" + seat + "@held.example\"}");
                assertThat(added.status()).as("seat %d: %s", seat, added.text()).isEqualTo(seat <= 5 ? 201 : 409);
            }
            // 4,998 tracks: the second added reaches 5,000 (50%); deleted and added again the same month, it alerts no more.
            for (String track : new String[] {"t-a", "t-b"}) {
                assertThat(post(client, "/api/v1/tracks", admin, "{\"track_id\": \"" + track + "\", \"title\": \"A\", \"duration_ms\": 1000, "
                        + "\"popularity\": 1}").status()).isEqualTo(201);
            }
            assertThat(Http.call(client, "DELETE", "/api/v1/tracks/t-b", admin, null).status()).isEqualTo(204);
            assertThat(post(client, "/api/v1/tracks", admin, "{\"track_id\": \"t-b\", \"title\": \"A\", \"duration_ms\": 1000, "
                    + "\"popularity\": 1}").status()).isEqualTo(201);
            assertThat(ServingApp.alerts(server).awaitIdle(WRITTEN)).isTrue();

            JsonNode alerts = get(client, "/api/v1/alerts", admin).json().get("alerts");
            List<String> seen = new ArrayList<>();
            for (JsonNode a : alerts) {
                seen.add(a.get("resource").asText() + " " + a.get("threshold_percent").asText() + " " + a.get("used").asLong());
                assertThat(a.get("kind").asText()).isEqualTo("quota");
                assertThat(a.get("period").asText()).isEqualTo("month");
                assertThat(a.get("period_start").asText()).isEqualTo(TODAY.withDayOfMonth(1).toString());
                assertThat(a.get("limit").asLong()).isEqualTo(a.get("resource").asText().equals("tracks") ? 10_000 : 5);
            }
            assertThat(seen).containsExactlyInAnyOrder("team_members 50 3", "team_members 80 4", "team_members 100 5", "tracks 50 5000");
            List<String> mail = stack.sql().list("outbox", "SELECT subject FROM email_outbox WHERE org_id = ? ORDER BY email_id",
                    ps -> ps.setString(1, org), rs -> rs.getString(1));
            assertThat(mail).contains("TuneTrail: Org held reached 100% of its team members limit",
                    "TuneTrail: Org held reached 50% of its tracks limit");
        });
    }

    private static void member(String org, String memberId, String email, String role, boolean removed) {
        stack.sql().update("member", "INSERT INTO members (org_id, member_id, email, role, removed_at) VALUES (?, ?, ?, ?, "
                + (removed ? "now()" : "NULL") + ")", ps -> {
                    ps.setString(1, org);
                    ps.setString(2, memberId);
                    ps.setString(3, email);
                    ps.setString(4, role);
                });
    }

    private static long count(String sql, String org) {
        return stack.sql().one("count", sql, ps -> ps.setString(1, org), rs -> rs.getLong(1)).orElseThrow();
    }

    private static HttpServer receiver(List<Received> received) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("TuneTrail-Event"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }
}
