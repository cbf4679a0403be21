package io.tunetrail.store.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
    private static final FeatureView ORG_LATEST = new FeatureView("org_profile", Entity.ORG, Duration.ofDays(1),
            List.of(new Feature("listeners", ValueType.INT64, "")), true, FeatureView.Layout.LATEST, "");

    @Test
    void keysFollowTheDocumentedLayout() {
        assertThat(RedisKeys.row("acme", FeatureViews.USER_SESSIONS, "u-42")).isEqualTo("tt:{acme}:user:u-42:fv:user_sessions");
        assertThat(RedisKeys.versionedRow("acme", FeatureViews.USER_RECOMMENDATIONS, "u-42", "als-20261122"))
                .isEqualTo("tt:{acme}:user:u-42:fv:user_recommendations:v:als-20261122");
        assertThat(RedisKeys.versionedRow("acme", FeatureViews.SIMILAR_TRACKS, "t:9", "v1"))
                .isEqualTo("tt:{acme}:track:t:9:fv:similar_tracks:v:v1");
        assertThat(RedisKeys.activeVersion("acme", FeatureViews.USER_RECOMMENDATIONS)).isEqualTo("tt:{acme}:fv:user_recommendations:active");
        assertThat(RedisKeys.row("acme", ORG_LATEST, "acme")).isEqualTo("tt:{acme}:org:fv:org_profile");
        assertThat(RedisKeys.usageDay("acme", "api_calls", LocalDate.of(2026, 11, 2))).isEqualTo("tt:{acme}:usage:api_calls:d:20261102");
        assertThat(RedisKeys.usageMonth("acme", "api_calls", YearMonth.of(2026, 11))).isEqualTo("tt:{acme}:usage:api_calls:m:202611");
        assertThat(RedisKeys.orgPattern("acme")).isEqualTo("tt:{acme}:*");
        assertThat(RedisKeys.ledgerDay("acme", "api_calls", LocalDate.of(2026, 11, 2))).isEqualTo("tt:{acme}:ledger:api_calls:d:20261102");
        assertThat(RedisKeys.ledgerMonth("acme", "api_calls", YearMonth.of(2026, 11))).isEqualTo("tt:{acme}:ledger:api_calls:m:202611");
    }

    /** The streaming ledger writes absolute values; it must never land on the API's incremented counters. */
    @Test
    void ledgerKeysNeverMeetTheApiCounters() {
        LocalDate day = LocalDate.of(2026, 11, 22);
        for (String resource : List.of("api_calls", "interactions", "d", "m", "usage", "ledger")) {
            assertThat(RedisKeys.ledgerDay("acme", resource, day)).isNotEqualTo(RedisKeys.usageDay("acme", resource, day));
            assertThat(RedisKeys.ledgerMonth("acme", resource, YearMonth.from(day)))
                    .isNotEqualTo(RedisKeys.usageMonth("acme", resource, YearMonth.from(day)))
                    .isNotEqualTo(RedisKeys.ledgerDay("acme", resource, day));
        }
        assertThatThrownBy(() -> RedisKeys.ledgerDay("acme", "Bad:Resource", day)).hasMessageContaining("resource");
    }

    @Test
    void versionedPartsRebuildTheVersionedKey() {
        RedisKeys.VersionedParts parts = RedisKeys.versionedParts("acme", FeatureViews.USER_RECOMMENDATIONS);
        assertThat(parts.beforeId() + "u-42" + parts.afterId() + "v7")
                .isEqualTo(RedisKeys.versionedRow("acme", FeatureViews.USER_RECOMMENDATIONS, "u-42", "v7"));
    }

    @Test
    void everyKeyOfAnOrgSharesItsHashTagAndMatchesItsScanPattern() {
        List<String> keys = List.of(
                RedisKeys.row("o:1", FeatureViews.USER_SESSIONS, "u"),
                RedisKeys.versionedRow("o:1", FeatureViews.SIMILAR_TRACKS, "t", "v"),
                RedisKeys.activeVersion("o:1", FeatureViews.SIMILAR_TRACKS),
                RedisKeys.usageDay("o:1", "api_calls", LocalDate.of(2026, 1, 1)),
                RedisKeys.ledgerDay("o:1", "api_calls", LocalDate.of(2026, 1, 1)),
                RedisKeys.ledgerMonth("o:1", "api_calls", YearMonth.of(2026, 1)));
        for (String key : keys) {
            // Redis Cluster hashes the text between the first '{' and the next '}'.
            assertThat(key.substring(key.indexOf('{') + 1, key.indexOf('}'))).isEqualTo("o:1");
            assertThat(key).startsWith("tt:{o:1}:");
        }
    }

    /** Ids may contain ':' (and even look like our tokens); no two different tuples may give the same key. */
    @Test
    void adversarialIdsNeverCollide() {
        List<String> ids = List.of("a", "b", "a:b", "a:fv", "fv", "fv:user_sessions", "x:fv:user_sessions", "v", "a:v:1", "user",
                "track:t", "org", "usage", "1", "a:b:c", "user:a", "fv:similar_tracks:v:v1");
        List<String> versions = List.of("1", "v1", "fv", "v", "user_sessions");
        List<FeatureView> views = List.of(FeatureViews.USER_SESSIONS, FeatureViews.USER_RECOMMENDATIONS, FeatureViews.SIMILAR_TRACKS);
        Map<String, String> seen = new HashMap<>();
        for (String org : ids) {
            for (String id : ids) {
                for (FeatureView view : views) {
                    if (view.versioned()) {
                        for (String version : versions) {
                            record(seen, RedisKeys.versionedRow(org, view, id, version), org + "|" + view.name() + "|" + id + "|" + version);
                        }
                        record(seen, RedisKeys.activeVersion(org, view), org + "|" + view.name() + "|active");
                    } else {
                        record(seen, RedisKeys.row(org, view, id), org + "|" + view.name() + "|" + id);
                    }
                }
                record(seen, RedisKeys.row(org, ORG_LATEST, org), org + "|org_profile");
                record(seen, RedisKeys.usageDay(org, "api_calls", LocalDate.of(2026, 1, 1)), org + "|usage-d");
                record(seen, RedisKeys.usageMonth(org, "api_calls", YearMonth.of(2026, 1)), org + "|usage-m");
                record(seen, RedisKeys.ledgerDay(org, "api_calls", LocalDate.of(2026, 1, 1)), org + "|ledger-d");
                record(seen, RedisKeys.ledgerMonth(org, "api_calls", YearMonth.of(2026, 1)), org + "|ledger-m");
            }
        }
        assertThat(seen).hasSizeGreaterThan(1000);
    }

    private static void record(Map<String, String> seen, String key, String tuple) {
        String previous = seen.putIfAbsent(key, tuple);
        assertThat(previous == null || previous.equals(tuple))
                .as("key %s built from both %s and %s", key, previous, tuple).isTrue();
    }

    @Test
    void refusesWhatWouldBreakTheLayout() {
        assertThatThrownBy(() -> RedisKeys.org("a}b")).isInstanceOf(StoreException.class).hasMessageContaining("not a valid id");
        assertThatThrownBy(() -> RedisKeys.org("")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> RedisKeys.org("x".repeat(129))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> RedisKeys.row("acme", FeatureViews.USER_SESSIONS, "has space")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> RedisKeys.versionedRow("acme", FeatureViews.USER_RECOMMENDATIONS, "u", "v:1"))
                .hasMessageContaining("model version 'v:1' is not valid");
        assertThatThrownBy(() -> RedisKeys.usageDay("acme", "API-calls", LocalDate.now())).hasMessageContaining("resource");
        assertThatThrownBy(() -> RedisKeys.row("acme", FeatureViews.USER_RECOMMENDATIONS, "u"))
                .hasMessageContaining("is VERSIONED, not LATEST").hasMessageContaining("versionedRow");
        assertThatThrownBy(() -> RedisKeys.row("acme", ORG_LATEST, "other-org")).hasMessageContaining("the org itself");
    }

    /** KEYS.md's example block must show exactly the keys this class builds. */
    @Test
    void theDocumentedExampleMatchesTheCode() throws IOException {
        String doc = Files.readString(Path.of("KEYS.md"));
        assertThat(doc)
                .contains(RedisKeys.row("acme", FeatureViews.USER_SESSIONS, "u-42"))
                .contains(RedisKeys.activeVersion("acme", FeatureViews.USER_RECOMMENDATIONS))
                .contains(RedisKeys.versionedRow("acme", FeatureViews.USER_RECOMMENDATIONS, "u-42", "als-20261122"))
                .contains(RedisKeys.usageDay("acme", "api_calls", LocalDate.of(2026, 11, 22)))
                .contains(RedisKeys.usageMonth("acme", "api_calls", YearMonth.of(2026, 11)))
                .contains(RedisKeys.ledgerDay("acme", "api_calls", LocalDate.of(2026, 11, 22)))
                .contains(RedisKeys.ledgerMonth("acme", "api_calls", YearMonth.of(2026, 11)));
        for (FeatureView view : FeatureViews.all()) {
            assertThat(doc).as("KEYS.md documents view %s", view.name()).contains("`" + view.name() + "`");
        }
    }
}
