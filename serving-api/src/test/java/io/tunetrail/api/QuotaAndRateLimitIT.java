package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Daily quotas (exact 429 body, UTC rollover, exactness under concurrency), the per-key rate limit and its headers. */
class QuotaAndRateLimitIT {
    // Days relative to the real date: counters expire at absolute times (period end + 2 days), so a fixed date in the
    // past would make Redis drop them the moment they are written.
    static final java.time.LocalDate TODAY = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    static final Instant LATE = TODAY.atTime(23, 59, 58).toInstant(java.time.ZoneOffset.UTC);
    static final Instant TOMORROW = TODAY.plusDays(1).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack(LATE);

    static Instant today(int hour) {
        return TODAY.atTime(hour, 0).toInstant(java.time.ZoneOffset.UTC);
    }

    private static final String METERED = "/api/v1/tracks/top";

    @Test
    void exhaustedDailyQuotaGivesTheExact429AndRollsOverAtUtcMidnight() {
        stack.clock.set(LATE);
        String org = stack.org("quota", "starter");
        String key = stack.key(org, "read");
        new io.tunetrail.store.online.RedisOnlineStore(stack.stores().jedis(), "test").addUsage(org, "api_calls", 9_999, LATE);
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer last = get(client, METERED, key);
            assertThat(last.status()).as("the 10,000th call of the day").isEqualTo(200);
            Http.Answer refused = get(client, METERED, key);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/json");
            assertThat(refused.text()).isEqualTo("{\"error\":\"Usage limit exceeded\",\"resource\":\"api_calls\",\"limit\":10000,"
                    + "\"current_usage\":10000,\"resets_at\":\"" + TOMORROW + "\",\"upgrade_message\":"
                    + Json.mapper().writeValueAsString(refused.json().get("upgrade_message").asText()) + "}");
            assertThat(refused.json().get("upgrade_message").asText()).contains("Pro").contains("100,000");
            assertThat(refused.header("Retry-After")).isEqualTo("2");
            assertThat(refused.header("RateLimit-Limit")).isEqualTo("60");

            stack.clock.set(TOMORROW.plusSeconds(1));
            Http.Answer nextDay = get(client, METERED, key);
            assertThat(nextDay.status()).as("a new UTC day").isEqualTo(200);
            assertThat(get(client, "/api/v1/usage", key).json().get("resources").get(0).get("used_today").asLong()).isEqualTo(1);
        });
    }

    @Test
    void twoHundredParallelRequestsAgainstOneHundredRemainingAdmitExactlyOneHundred() throws Exception {
        Instant now = today(12);
        stack.clock.set(now);
        String org = stack.org("race", "starter");
        // Four keys of 50 requests each: every key stays inside its burst of 60, so only the org's quota decides.
        List<String> keys = List.of(stack.key(org, "read"), stack.key(org, "read"), stack.key(org, "read"), stack.key(org, "read"));
        new io.tunetrail.store.online.RedisOnlineStore(stack.stores().jedis(), "test").addUsage(org, "api_calls", 9_900, now);
        JavalinTest.test(stack.app(), (server, client) -> {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            HttpClient http = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(client.getOrigin() + METERED))
                        .header("Authorization", "Bearer " + keys.get(i % 4)).build();
                calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int quota = 0;
            for (CompletableFuture<HttpResponse<String>> c : calls) {
                HttpResponse<String> r = c.join();
                if (r.statusCode() == 200) {
                    ok++;
                } else if (r.statusCode() == 429 && r.body().contains("Usage limit exceeded")) {
                    quota++;
                }
            }
            pool.shutdown();
            assertThat(ok).isEqualTo(100);
            assertThat(quota).isEqualTo(100);
            assertThat(get(client, "/api/v1/usage", keys.get(0)).json().get("resources").get(0).get("used_today").asLong()).isEqualTo(10_000);
        });
    }

    @Test
    void aKeyPastItsBurstIsRateLimitedWithRetryAfterAndHeadersCountDown() {
        Instant now = today(8);
        stack.clock.set(now);
        String org = stack.org("rate", "starter");
        String key = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer first = get(client, METERED, key);
            assertThat(first.header("RateLimit-Limit")).isEqualTo("60");
            assertThat(first.header("RateLimit-Remaining")).isEqualTo("59");
            assertThat(first.header("RateLimit-Reset")).isEqualTo("1");
            for (int i = 1; i < 60; i++) {
                assertThat(get(client, METERED, key).status()).isEqualTo(200);
            }
            Http.Answer limited = get(client, METERED, key);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.contentType()).startsWith("application/problem+json");
            assertThat(limited.json().get("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.header("Retry-After")).isEqualTo("1");
            assertThat(limited.header("RateLimit-Remaining")).isEqualTo("0");
            stack.clock.advance(Duration.ofMillis(100)); // starter: 600/min = one request per 100 ms
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            assertThat(get(client, METERED, key).status()).isEqualTo(429);
            // A refused request counted nothing: 61 admitted calls today.
            assertThat(get(client, "/api/v1/usage", key).json().get("resources").get(0).get("used_today").asLong()).isEqualTo(61);

        });
    }

    @Test
    void eachAdmittedCallIsCountedPerKeyRouteAndDay() {
        // Today, not a fixed date: counters expire at an absolute time, and one in the past would vanish at once.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(10));
        java.time.LocalDate day = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC);
        stack.clock.set(now);
        String org = stack.org("detail", "pro");
        String key = stack.key(org, "read");
        String keyId = stack.sql().one("key id", "SELECT key_id FROM api_keys WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getString(1))
                .orElseThrow();
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            for (int i = 0; i < 3; i++) {
                get(client, METERED, key);
            }
            get(client, "/api/v1/genres", key);
            stack.clock.set(now.plus(Duration.ofDays(1)));
            get(client, METERED, key);
            JsonNode detail = get(client, "/api/v1/api-keys/" + keyId + "/usage?days=7", admin).json();
            assertThat(detail.get("by_day").get(0).get("day").asText()).isEqualTo(day.plusDays(1).toString());
            assertThat(detail.get("by_day").get(0).get("calls").asLong()).isEqualTo(1);
            assertThat(detail.get("by_day").get(1).get("by_route").get("GET " + METERED).asLong()).isEqualTo(3);
            assertThat(detail.get("by_day").get(1).get("by_route").get("GET /api/v1/genres").asLong()).isEqualTo(1);
            // Quota counters carry no TTL (volatile-lru cannot evict them; RedisRetention removes them), the route hash
            // expires after 35 days (evictable).
            assertThat(stack.redis.jedis().pttl(io.tunetrail.store.online.RedisKeys.usageDay(org, "api_calls", day))).isEqualTo(-1);
            assertThat(stack.redis.jedis().pttl(io.tunetrail.store.online.RedisKeys.usageMonth(org, "api_calls", java.time.YearMonth.from(day))))
                    .isEqualTo(-1);
            assertThat(stack.redis.jedis().pttl(io.tunetrail.store.online.RedisKeys.keyUsageDay(org, keyId, day))).isPositive();
            String otherAdmin = stack.key(stack.org("detail-other", "pro"), "admin");
            assertThat(get(client, "/api/v1/api-keys/" + keyId + "/usage", otherAdmin).status()).isEqualTo(404);
        });
    }

    @Test
    void anExhaustedMonthlyQuotaRefusesAndTakesBackTheRefusedCallsDayCount() {
        Instant now = today(11);
        stack.clock.set(now);
        java.time.YearMonth month = java.time.YearMonth.from(TODAY);
        String org = stack.org("monthly", "free");
        String key = stack.key(org, "read");
        String monthKey = io.tunetrail.store.online.RedisKeys.usageMonth(org, "api_calls", month);
        String dayKey = io.tunetrail.store.online.RedisKeys.usageDay(org, "api_calls", TODAY);
        // Free: 1,000 a day, 20,000 a month; the month is one call short, today has none yet.
        stack.redis.jedis().set(monthKey, "19999", redis.clients.jedis.params.SetParams.setParams().px(Duration.ofDays(40).toMillis()));
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            Http.Answer refused = get(client, METERED, key);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("resource").asText()).isEqualTo("api_calls");
            assertThat(refused.json().get("limit").asLong()).isEqualTo(20_000);
            assertThat(refused.json().get("current_usage").asLong()).isEqualTo(20_000);
            Instant nextMonth = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
            assertThat(refused.json().get("resets_at").asText()).isEqualTo(nextMonth.toString());
            assertThat(refused.header("Retry-After")).isEqualTo(Long.toString(nextMonth.getEpochSecond() - now.getEpochSecond()));
            assertThat(stack.redis.jedis().get(monthKey)).isEqualTo("20000");
            assertThat(stack.redis.jedis().get(dayKey)).as("the refused call is not counted in the day either").isEqualTo("1");
        });
    }

    @Test
    void communityEditionHasNoQuotaAndDowngradesAreImmediate() {
        Instant now = today(9);
        stack.clock.set(now);
        String org = stack.org("selfhosted", "community", "community");
        String key = stack.key(org, "read");
        new io.tunetrail.store.online.RedisOnlineStore(stack.stores().jedis(), "test").addUsage(org, "api_calls", 50_000_000, now);
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(get(client, METERED, key).status()).isEqualTo(200);
            JsonNode usage = get(client, "/api/v1/usage", key).json();
            assertThat(usage.get("quotas_enforced").asBoolean()).isFalse();
            assertThat(usage.get("resources").get(0).get("limit_per_day").isNull()).isTrue();
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u1", key).status()).as("premium ML still gated").isEqualTo(402);
        });
    }

    @Test
    void refusalsAreCountedPerOrgDayKeyRouteClassAndReasonAndAddedToPostgresInBatches() {
        Instant now = today(14);
        stack.clock.set(now);
        String org = stack.org("refusals", "starter");
        String key = stack.key(org, "read");
        String bystanderOrg = stack.org("refusals-other", "starter");
        String bystander = stack.key(bystanderOrg, "read");
        io.javalin.Javalin app = stack.app();
        JavalinTest.test(app, (server, client) -> {
            // advanced_analytics is not in starter: 402, on a route metering api_calls.
            assertThat(get(client, "/api/v1/ml/tracks/similarity-matrix?track_ids=a,b", key).status()).isEqualTo(402);
            for (int i = 0; i < 60; i++) {
                assertThat(get(client, METERED, key).status()).isEqualTo(200);
            }
            assertThat(get(client, METERED, key).status()).isEqualTo(429);
            assertThat(get(client, METERED, key).status()).isEqualTo(429);
            assertThat(get(client, METERED, bystander).status()).as("admitted calls are no refusals").isEqualTo(200);

            // The app also flushes every 10 s (on a loaded machine that may come first): totals, not batches, are checked.
            ServingApp.refusals(app).flush();
            assertThat(refusalRows(org)).containsExactly(
                    TODAY + " api_calls plan_feature:advanced_analytics 402 x1",
                    TODAY + " api_calls rate_limited 429 x2");
            assertThat(ServingApp.refusals(app).flush()).as("a flush writes each refusal once").isZero();

            assertThat(get(client, METERED, key).status()).isEqualTo(429);
            ServingApp.refusals(app).flush();
            assertThat(refusalRows(org)).contains(TODAY + " api_calls rate_limited 429 x3");
            assertThat(refusalRows(bystanderOrg)).isEmpty();
        });
    }

    @Test
    void refusalsAFlushCouldNotWriteAreKeptForTheNextOne() {
        String org = stack.org("refusals-down", "starter");
        Instant now = today(15);
        // PostgreSQL down: a pool that was closed refuses every connection, as the real store meets it.
        com.zaxxer.hikari.HikariDataSource closed = io.tunetrail.store.Database.connect(stack.db.config(), 1);
        closed.close();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        io.tunetrail.store.usage.ApiRefusals live = new io.tunetrail.store.usage.ApiRefusals(stack.db.dataSource());
        io.tunetrail.store.usage.ApiRefusals dead = new io.tunetrail.store.usage.ApiRefusals(closed);
        io.tunetrail.api.limits.RefusalCounter counter = new io.tunetrail.api.limits.RefusalCounter(
                counts -> (down.get() ? dead : live).add(counts), stack.clock);
        counter.limited(org, "key_a", "api_calls", io.tunetrail.api.limits.UsageLimiter.Outcome.DAY_QUOTA, now);
        counter.limited(org, "key_a", "api_calls", io.tunetrail.api.limits.UsageLimiter.Outcome.DAY_QUOTA, now);
        assertThat(counter.flush()).as("nothing written while PostgreSQL is down").isZero();
        counter.planModelFamily(org, "key_a", "api_calls", now);
        down.set(false);
        assertThat(counter.flush()).isEqualTo(3);
        assertThat(refusalRows(org)).containsExactly(TODAY + " api_calls day_quota 429 x2", TODAY + " api_calls plan_model_family 402 x1");
    }

    private static List<String> refusalRows(String org) {
        return stack.sql().list("refusals", "SELECT day, route_class, reason, status, refusals, api_key_id FROM api_refusals_daily "
                + "WHERE org_id = ? ORDER BY reason", ps -> ps.setString(1, org),
                rs -> rs.getDate(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getInt(4) + " x" + rs.getLong(5));
    }
}
