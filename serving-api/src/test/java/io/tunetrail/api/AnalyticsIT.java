package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pro analytics read the rows of the org's active version only, and never another org's. */
class AnalyticsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static ModelRegistry registry;

    @BeforeAll
    static void start() {
        registry = new ModelRegistry(stack.db.dataSource(), stack.plans);
    }

    private static ModelVersion version(String org, String algorithm) {
        return registry.register(org, algorithm, Map.of("k", 10), Map.of());
    }

    private static void sql(String statement, Object... args) {
        stack.sql().update("seeding", statement, ps -> {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
        });
    }

    @Test
    void analyticsFollowTheActiveVersionAndStayInTheirOrg() {
        String org = stack.org("analytics", "pro");
        String other = stack.org("analytics-other", "pro");
        String key = stack.key(org, "read");
        String otherKey = stack.key(other, "read");

        ModelVersion users1 = version(org, "user-similarity");
        sql("INSERT INTO user_similarities VALUES (?, ?, 'u1', 1, 'u2', 0.9)", org, users1.id());
        registry.promote(users1.id());
        ModelVersion users2 = version(org, "user-similarity");
        sql("INSERT INTO user_similarities VALUES (?, ?, 'u1', 1, 'u3', 0.8)", org, users2.id());

        ModelVersion genres = version(org, "genre-correlations");
        sql("INSERT INTO genre_correlations VALUES (?, ?, 'user', 'rock', 'pop', 5, 10, 8, 20, 1.25, 0.3)", org, genres.id());
        registry.promote(genres.id());
        ModelVersion temporal = version(org, "temporal-patterns");
        sql("INSERT INTO temporal_patterns VALUES (?, ?, '', 5, 21, 40, 120.5, 1.0)", org, temporal.id());
        sql("INSERT INTO temporal_patterns VALUES (?, ?, 'u1', 5, 21, 4, 12.0, 1.0)", org, temporal.id());
        sql("INSERT INTO monthly_trends VALUES (?, ?, DATE '2026-03-01', '', 100, 7, 300.0)", org, temporal.id());
        sql("INSERT INTO monthly_trends VALUES (?, ?, DATE '2026-04-01', '', 50, 9, 150.0)", org, temporal.id());
        sql("INSERT INTO monthly_trends VALUES (?, ?, DATE '2026-03-01', 'rock', 60, 5, 180.0)", org, temporal.id());
        registry.promote(temporal.id());
        ModelVersion context = version(org, "context-correlations");
        sql("INSERT INTO context_correlations VALUES (?, ?, 'workout', 'energy', 100, 900, 0.8, 0.5, 0.9, 0.7, 1.1)", org, context.id());
        registry.promote(context.id());

        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer similar = get(client, "/api/v1/analytics/users/similar?user_id=u1", key);
            assertThat(similar.status()).isEqualTo(200);
            assertThat(similar.json().get("model_version").asText()).isEqualTo(users1.version().toString());
            assertThat(similar.json().get("rows").get(0).get("user_id").asText()).as("the candidate's rows stay unseen").isEqualTo("u2");
            registry.promote(users2.id());
            Http.Answer promoted = get(client, "/api/v1/analytics/users/similar?user_id=u1", key);
            assertThat(promoted.json().get("rows").get(0).get("user_id").asText()).isEqualTo("u3");

            assertThat(get(client, "/api/v1/analytics/correlations/genres?scope=user", key).json().get("rows").get(0).get("npmi").asDouble())
                    .isEqualTo(0.3);
            assertThat(get(client, "/api/v1/analytics/patterns/temporal", key).json().get("rows").get(0).get("plays").asLong()).isEqualTo(40);
            assertThat(get(client, "/api/v1/analytics/correlations/context?activity=workout", key).json().get("rows").get(0).get("effect_size")
                    .asDouble()).isEqualTo(0.9);
            JsonNode wrapped = get(client, "/api/v1/analytics/insights/wrapped?year=2026", key).json();
            assertThat(wrapped.get("plays").asLong()).isEqualTo(150);
            assertThat(wrapped.get("peak_listeners").asLong()).isEqualTo(9);
            assertThat(wrapped.get("top_genres").get(0).get("genre_id").asText()).isEqualTo("rock");
            JsonNode taste = get(client, "/api/v1/ml/taste-profile?user_id=u1", key).json();
            assertThat(taste.get("peak_day_of_week").asInt()).isEqualTo(5);
            assertThat(taste.get("peak_hour_of_day").asInt()).isEqualTo(21);
            assertThat(get(client, "/api/v1/ml/taste-profile?user_id=stranger", key).status()).isEqualTo(404);
            assertThat(get(client, "/api/v1/analytics/correlations/genres?scope=planet", key).json().get("field").asText()).isEqualTo("scope");

            JsonNode theirs = get(client, "/api/v1/analytics/users/similar?user_id=u1", otherKey).json();
            assertThat(theirs.get("model_version").isNull()).isTrue();
            assertThat(theirs.get("rows")).isEmpty();
            assertThat(get(client, "/api/v1/analytics/insights/wrapped?year=2026", otherKey).json().get("plays").asLong()).isZero();
        });
    }

    /** A listener's Wrapped and seasonal listening, from the active temporal-patterns version, never another org's. */
    @Test
    void aListenersWrappedAndSeasonsComeFromTheActiveVersion() {
        String org = stack.org("wrapped", "pro");
        String other = stack.org("wrapped-other", "pro");
        String key = stack.key(org, "read");
        String otherKey = stack.key(other, "read");
        ModelVersion temporal = version(org, "temporal-patterns");
        sql("INSERT INTO listener_monthly VALUES (?, ?, 'u1', DATE '2026-01-01', 10, 30.0, 4), (?, ?, 'u1', DATE '2026-07-01', 25, 70.0, 9), "
                + "(?, ?, 'u1', DATE '2025-12-01', 99, 300.0, 20)", org, temporal.id(), org, temporal.id(), org, temporal.id());
        sql("INSERT INTO listener_top_items VALUES (?, ?, 'u1', 2026, 'track', 1, 't-9', 12, 36.0), (?, ?, 'u1', 2026, 'track', 2, 't-3', 5, 15.0), "
                + "(?, ?, 'u1', 2026, 'genre', 1, 'jazz', 30, 90.0), (?, ?, 'u1', 2025, 'track', 1, 't-old', 99, 300.0)",
                org, temporal.id(), org, temporal.id(), org, temporal.id(), org, temporal.id());
        sql("INSERT INTO seasonal_profiles VALUES (?, ?, '', 1, 10, 30.0, 0.1), (?, ?, '', 2, 10, 30.0, 0.1), (?, ?, '', 7, 80, 240.0, 0.8), "
                + "(?, ?, 'u1', 12, 99, 300.0, 1.0)", org, temporal.id(), org, temporal.id(), org, temporal.id(), org, temporal.id());

        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode before = get(client, "/api/v1/analytics/insights/wrapped?year=2026&user_id=u1", key).json();
            assertThat(before.get("model_version").isNull()).as("a candidate's rows are not served").isTrue();
            assertThat(before.get("plays").asLong()).isZero();
            registry.promote(temporal.id());

            JsonNode wrapped = get(client, "/api/v1/analytics/insights/wrapped?year=2026&user_id=u1", key).json();
            assertThat(wrapped.get("user_id").asText()).isEqualTo("u1");
            assertThat(wrapped.get("plays").asLong()).as("2026 only").isEqualTo(35);
            assertThat(wrapped.get("minutes").asDouble()).isEqualTo(100.0);
            assertThat(wrapped.get("peak_month").asText()).isEqualTo("2026-07-01");
            assertThat(wrapped.get("months")).hasSize(2);
            assertThat(wrapped.get("top_tracks")).extracting(t -> t.get("id").asText()).containsExactly("t-9", "t-3");
            assertThat(wrapped.get("top_genres").get(0).get("id").asText()).isEqualTo("jazz");
            assertThat(get(client, "/api/v1/analytics/insights/wrapped?year=2026&user_id=u1", otherKey).json().get("plays").asLong())
                    .as("another org's listener of the same id").isZero();
            assertThat(get(client, "/api/v1/analytics/insights/wrapped?year=2026&user_id=bad%20id", key).status()).isEqualTo(400);

            JsonNode north = get(client, "/api/v1/analytics/patterns/seasonal", key).json();
            assertThat(north.get("months")).hasSize(3);
            assertThat(north.get("seasons")).extracting(x -> x.get("season").asText() + "=" + x.get("plays").asLong())
                    .containsExactly("winter=20", "spring=0", "summer=80", "autumn=0");
            assertThat(north.get("peak_season").asText()).isEqualTo("summer");
            JsonNode south = get(client, "/api/v1/analytics/patterns/seasonal?hemisphere=south", key).json();
            assertThat(south.get("peak_season").asText()).as("July is winter in the south").isEqualTo("winter");
            JsonNode listener = get(client, "/api/v1/analytics/patterns/seasonal?user_id=u1", key).json();
            assertThat(listener.get("peak_season").asText()).isEqualTo("winter");
            assertThat(get(client, "/api/v1/analytics/patterns/seasonal?hemisphere=east", key).json().get("field").asText()).isEqualTo("hemisphere");
            JsonNode theirs = get(client, "/api/v1/analytics/patterns/seasonal", otherKey).json();
            assertThat(theirs.get("months")).isEmpty();
            assertThat(theirs.get("peak_season").isNull()).isTrue();
        });
    }

    /** Top tracks are the most played of the active temporal-patterns version; catalog popularity only before one exists. */
    @Test
    void topTracksAreCountedPlaysOnceANightlyRunHasCountedThem() {
        String org = stack.org("top", "starter");
        String key = stack.key(org, "read");
        sql("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES (?, 'hit', 'Hit', 1000, 99), "
                + "(?, 'sleeper', 'Sleeper', 1000, 10)", org, org);

        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode before = get(client, "/api/v1/tracks/top?time_range=short_term", key).json();
            assertThat(before.get("basis").asText()).isEqualTo("catalog_popularity");
            assertThat(before.get("model_version").isNull()).isTrue();
            assertThat(before.get("tracks").get(0).get("track").get("track_id").asText()).isEqualTo("hit");
            assertThat(before.get("tracks").get(0).get("plays").isNull()).isTrue();

            ModelVersion temporal = version(org, "temporal-patterns");
            Instant asOf = Instant.parse("2026-11-01T20:00:00Z");
            sql("INSERT INTO top_tracks VALUES (?, ?, 'short_term', 1, 'sleeper', 40, 12, ?), (?, ?, 'short_term', 2, 'hit', 3, 3, ?), "
                    + "(?, ?, 'long_term', 1, 'hit', 500, 80, ?)", org, temporal.id(), java.sql.Timestamp.from(asOf), org, temporal.id(),
                    java.sql.Timestamp.from(asOf), org, temporal.id(), java.sql.Timestamp.from(asOf));
            assertThat(get(client, "/api/v1/tracks/top?time_range=short_term", key).json().get("basis").asText())
                    .as("a candidate's counts are not served").isEqualTo("catalog_popularity");
            registry.promote(temporal.id());

            JsonNode recent = get(client, "/api/v1/tracks/top?time_range=short_term", key).json();
            assertThat(recent.get("basis").asText()).isEqualTo("plays");
            assertThat(recent.get("model_version").asText()).isEqualTo(temporal.version().toString());
            assertThat(Instant.parse(recent.get("as_of").asText())).isEqualTo(asOf);
            assertThat(recent.get("tracks")).hasSize(2);
            assertThat(recent.get("tracks").get(0).get("track").get("track_id").asText()).isEqualTo("sleeper");
            assertThat(recent.get("tracks").get(0).get("plays").asLong()).isEqualTo(40);
            assertThat(recent.get("tracks").get(0).get("listeners").asLong()).isEqualTo(12);
            JsonNode allTime = get(client, "/api/v1/tracks/top?time_range=long_term&limit=5", key).json();
            assertThat(allTime.get("tracks")).hasSize(1);
            assertThat(allTime.get("tracks").get(0).get("track").get("track_id").asText()).isEqualTo("hit");
        });
    }
}
