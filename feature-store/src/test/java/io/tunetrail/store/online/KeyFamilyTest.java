package io.tunetrail.store.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every key {@link RedisKeys} builds belongs to exactly one {@link KeyFamily}, whatever the ids contain; a new key
 * builder must be classified here (evictable or protected) before the build passes.
 */
class KeyFamilyTest {
    /** Public static String methods of RedisKeys that build no key (prefixes, patterns, checks). */
    private static final Set<String> NOT_KEYS = Set.of("org", "orgPattern", "versionPattern", "requireVersion", "requireResource");

    /** One key of each builder, with ids that try to look like other kinds. */
    static Map<String, Map.Entry<String, KeyFamily>> examples() {
        String org = "acme";
        String tricky = "usage:x:fv:y:v:1.0";
        LocalDate day = LocalDate.of(2026, 12, 5);
        Map<String, Map.Entry<String, KeyFamily>> m = new LinkedHashMap<>();
        m.put("row", Map.entry(RedisKeys.row(org, FeatureViews.USER_SESSIONS, tricky), KeyFamily.ROW));
        m.put("versionedRow", Map.entry(RedisKeys.versionedRow(org, FeatureViews.USER_RECOMMENDATIONS, tricky, "1.2"), KeyFamily.VERSIONED_ROW));
        m.put("activeVersion", Map.entry(RedisKeys.activeVersion(org, FeatureViews.SIMILAR_TRACKS), KeyFamily.ACTIVE_VERSION));
        m.put("canary", Map.entry(RedisKeys.canary(org, FeatureViews.USER_RECOMMENDATIONS), KeyFamily.ACTIVE_VERSION));
        m.put("usageDay", Map.entry(RedisKeys.usageDay(org, "api_calls", day), KeyFamily.USAGE));
        m.put("usageMonth", Map.entry(RedisKeys.usageMonth(org, "api_calls", YearMonth.from(day)), KeyFamily.USAGE));
        m.put("ledgerDay", Map.entry(RedisKeys.ledgerDay(org, "api_calls", day), KeyFamily.LEDGER));
        m.put("ledgerMonth", Map.entry(RedisKeys.ledgerMonth(org, "api_calls", YearMonth.from(day)), KeyFamily.LEDGER));
        m.put("rateLimit", Map.entry(RedisKeys.rateLimit(org, tricky), KeyFamily.RATE_LIMIT));
        m.put("rateLimitPerSecond", Map.entry(RedisKeys.rateLimitPerSecond(org, tricky), KeyFamily.RATE_LIMIT));
        m.put("orgRateLimit", Map.entry(RedisKeys.orgRateLimit(org), KeyFamily.RATE_LIMIT));
        m.put("reconciledBatch", Map.entry(RedisKeys.reconciledBatch(org, "b-1"), KeyFamily.RECONCILED));
        m.put("interactionSeen", Map.entry(RedisKeys.interactionSeen(org, "ratelimit:" + tricky), KeyFamily.SEEN));
        m.put("feedback", Map.entry(RedisKeys.feedback(org, "global-1.0"), KeyFamily.FEEDBACK));
        m.put("keyUsageDay", Map.entry(RedisKeys.keyUsageDay(org, tricky, day), KeyFamily.KEY_USAGE));
        String digest = "0123456789abcdef".repeat(4);
        m.put("signInFailures", Map.entry(RedisKeys.signInFailures("account", digest), KeyFamily.SIGN_IN));
        m.put("consoleSecret", Map.entry(RedisKeys.consoleSecret(org, digest), KeyFamily.CONSOLE_SECRET));
        return m;
    }

    @Test
    void everyKeyBuilderIsClassified() {
        Set<String> builders = Arrays.stream(RedisKeys.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && m.getReturnType() == String.class)
                .map(Method::getName).filter(n -> !NOT_KEYS.contains(n)).collect(Collectors.toSet());
        assertThat(examples().keySet())
                .as("a key builder of RedisKeys without a family here: add it to examples() and decide in KeyFamily whether "
                        + "it may be evicted (then write it with a TTL) or not (no TTL, removed by RedisRetention)")
                .containsExactlyInAnyOrderElementsOf(builders);
    }

    @Test
    void eachKeyIsOfItsFamilyWhateverItsIdsContain() {
        examples().forEach((builder, e) -> assertThat(KeyFamily.of(e.getKey())).as(builder + ": " + e.getKey()).hasValue(e.getValue()));
        assertThat(KeyFamily.of("other-app:key")).isEmpty();
        assertThat(KeyFamily.of("tt:{acme}:unknown:x")).isEmpty();
    }

    @Test
    void quotaLimiterLedgerAndPointersAreProtectedTheRestEvictable() {
        assertThat(Arrays.stream(KeyFamily.values()).filter(f -> !f.evictable()))
                .containsExactlyInAnyOrder(KeyFamily.USAGE, KeyFamily.RATE_LIMIT, KeyFamily.LEDGER, KeyFamily.ACTIVE_VERSION);
    }

    @Test
    void periodKeysKnowWhenTheirPeriodEnds() {
        assertThat(RedisRetention.periodEnd(RedisKeys.usageDay("a", "api_calls", LocalDate.of(2026, 12, 31))))
                .isEqualTo(java.time.Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(RedisRetention.periodEnd(RedisKeys.ledgerMonth("a", "api_calls", YearMonth.of(2026, 2))))
                .isEqualTo(java.time.Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(RedisRetention.periodEnd(RedisKeys.rateLimit("a", "k:d:20261205x"))).isNull();
    }
}
