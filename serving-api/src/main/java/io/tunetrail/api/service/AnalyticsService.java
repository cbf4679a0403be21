package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pro analytics, read from the tables the nightly analytics jobs fill (V5): always the rows of the org's ACTIVE
 * version of the job's algorithm in the model registry, so a half-written new version is never seen. An org whose
 * job has not run yet gets an empty answer with {@code model_version} null.
 */
public final class AnalyticsService {
    static final String USER_SIMILARITY = "user-similarity";
    static final String GENRE_CORRELATIONS = "genre-correlations";
    static final String TEMPORAL_PATTERNS = "temporal-patterns";
    static final String CONTEXT_CORRELATIONS = "context-correlations";

    /** Rows of one analytics table under the version that answered. */
    public record Rows<T>(String modelVersion, String algorithm, List<T> rows) {}

    public record SimilarUser(String userId, int rank, double score) {}

    public record GenrePair(String genreA, String genreB, String scope, long countAb, long baskets, double lift, double npmi) {}

    public record Cell(int dayOfWeek, int hourOfDay, long plays, double minutes, double share) {}

    public record ContextEffect(String activity, String feature, double meanActivity, double meanOther, double effectSize,
            double ciLow, double ciHigh, long nActivity, long nOther) {}

    public record Month(LocalDate month, long plays, long listeners, double minutes) {}

    public record Wrapped(int year, String modelVersion, long plays, double minutes, long peakListeners, List<Month> months,
            List<Map<String, Object>> topGenres) {}

    /** A listener's year: totals, months, and their most played tracks and genres (the listener's Wrapped). */
    public record ListenerWrapped(int year, String userId, String modelVersion, long plays, double minutes, LocalDate peakMonth,
            List<ListenerMonth> months, List<TopItem> topTracks, List<TopItem> topGenres) {}

    public record ListenerMonth(LocalDate month, long plays, double minutes, long tracks) {}

    public record TopItem(int rank, String id, long plays, double minutes) {}

    public record MonthOfYear(int monthOfYear, long plays, double minutes, double share) {}

    public record Season(String season, List<Integer> months, long plays, double minutes, double share) {}

    /** Listening by month of the year and by season, for the org ({@code user_id} null) or one listener. */
    public record Seasonal(String modelVersion, String userId, String hemisphere, List<MonthOfYear> months, List<Season> seasons,
            String peakSeason) {}

    /** The meteorological seasons as groups of months; which name a group has depends on the hemisphere. */
    private static final List<List<Integer>> SEASON_MONTHS = List.of(List.of(12, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8), List.of(9, 10, 11));
    private static final Map<String, List<String>> SEASON_NAMES = Map.of(
            "north", List.of("winter", "spring", "summer", "autumn"),
            "south", List.of("summer", "autumn", "winter", "spring"));

    public record TasteProfile(String userId, String modelVersion, List<String> topGenres, Double skipRate, Double minutesLast7Days,
            Integer peakDayOfWeek, Integer peakHourOfDay, List<SimilarUser> similarUsers) {}

    private final Sql sql;
    private final ModelRegistry registry;
    private final OnlineStore online;

    public AnalyticsService(Sql sql, ModelRegistry registry, OnlineStore online) {
        this.sql = sql;
        this.registry = registry;
        this.online = online;
    }

    private Optional<ModelVersion> active(Principal p, String algorithm) {
        return registry.active(p.orgId(), algorithm);
    }

    public Rows<SimilarUser> similarUsers(Principal p, String userId, int limit) {
        Check.id("user_id", userId);
        return rows(p, USER_SIMILARITY, v -> sql.list("reading similar users", "SELECT similar_user_id, rank, score FROM user_similarities "
                + "WHERE org_id = ? AND model_version_id = ? AND user_id = ? ORDER BY rank LIMIT ?", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, v);
                    ps.setString(3, userId);
                    ps.setInt(4, limit);
                }, rs -> new SimilarUser(rs.getString(1), rs.getInt(2), rs.getDouble(3))));
    }

    public Rows<GenrePair> genreCorrelations(Principal p, String scope, String genreId, int limit) {
        String s = scope == null ? "user" : scope;
        if (!Set.of("user", "session").contains(s)) {
            throw Check.invalid("scope", "'scope' must be user or session");
        }
        Check.optionalId("genre_id", genreId);
        return rows(p, GENRE_CORRELATIONS, v -> sql.list("reading genre correlations", "SELECT genre_a, genre_b, scope, count_ab, baskets, lift, npmi "
                + "FROM genre_correlations WHERE org_id = ? AND model_version_id = ? AND scope = ? AND (?::text IS NULL OR genre_a = ?) "
                + "ORDER BY npmi DESC, genre_a, genre_b LIMIT ?", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, v);
                    ps.setString(3, s);
                    ps.setString(4, genreId);
                    ps.setString(5, genreId);
                    ps.setInt(6, limit);
                }, rs -> new GenrePair(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getDouble(6),
                        rs.getDouble(7))));
    }

    public Rows<Cell> temporalPatterns(Principal p, String userId) {
        String user = userId == null ? "" : Check.id("user_id", userId);
        return rows(p, TEMPORAL_PATTERNS, v -> cells(p, v, user));
    }

    private List<Cell> cells(Principal p, long version, String user) {
        return sql.list("reading temporal patterns", "SELECT day_of_week, hour_of_day, plays, minutes, share FROM temporal_patterns "
                + "WHERE org_id = ? AND model_version_id = ? AND user_id = ? ORDER BY day_of_week, hour_of_day", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, version);
                    ps.setString(3, user);
                }, rs -> new Cell(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5)));
    }

    public Rows<ContextEffect> contextCorrelations(Principal p, String activity) {
        return rows(p, CONTEXT_CORRELATIONS, v -> sql.list("reading context correlations", "SELECT activity, feature, mean_activity, mean_other, "
                + "effect_size, ci_low, ci_high, n_activity, n_other FROM context_correlations WHERE org_id = ? AND model_version_id = ? "
                + "AND (?::text IS NULL OR activity = ?) ORDER BY activity, abs(effect_size) DESC", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, v);
                    ps.setString(3, activity);
                    ps.setString(4, activity);
                }, rs -> new ContextEffect(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5),
                        rs.getDouble(6), rs.getDouble(7), rs.getLong(8), rs.getLong(9))));
    }

    /** A Wrapped-style year in review from the monthly trends of the active temporal-patterns version. */
    public Wrapped wrapped(Principal p, int year) {
        Optional<ModelVersion> v = active(p, TEMPORAL_PATTERNS);
        if (v.isEmpty()) {
            return new Wrapped(year, null, 0, 0, 0, List.of(), List.of());
        }
        long id = v.get().id();
        List<Month> months = sql.list("reading monthly trends", "SELECT month, plays, listeners, minutes FROM monthly_trends WHERE org_id = ? "
                + "AND model_version_id = ? AND genre_id = '' AND extract(year FROM month) = ? ORDER BY month", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, id);
                    ps.setInt(3, year);
                }, rs -> new Month(rs.getDate(1).toLocalDate(), rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
        List<Map<String, Object>> genres = sql.list("reading top genres", "SELECT genre_id, sum(plays) AS plays, sum(minutes) AS minutes "
                + "FROM monthly_trends WHERE org_id = ? AND model_version_id = ? AND genre_id <> '' AND extract(year FROM month) = ? "
                + "GROUP BY genre_id ORDER BY plays DESC, genre_id LIMIT 5", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, id);
                    ps.setInt(3, year);
                }, AnalyticsService::genreRow);
        return new Wrapped(year, v.get().version().toString(), months.stream().mapToLong(Month::plays).sum(),
                months.stream().mapToDouble(Month::minutes).sum(), months.stream().mapToLong(Month::listeners).max().orElse(0), months, genres);
    }

    /** A listener's Wrapped for {@code year}: an empty year (no plays, or a listener the org does not have) has zeros. */
    public ListenerWrapped listenerWrapped(Principal p, String userId, int year) {
        Check.id("user_id", userId);
        Optional<ModelVersion> v = active(p, TEMPORAL_PATTERNS);
        if (v.isEmpty()) {
            return new ListenerWrapped(year, userId, null, 0, 0, null, List.of(), List.of(), List.of());
        }
        long id = v.get().id();
        List<ListenerMonth> months = sql.list("reading a listener's months", "SELECT month, plays, minutes, tracks FROM listener_monthly "
                + "WHERE org_id = ? AND model_version_id = ? AND user_id = ? AND extract(year FROM month) = ? ORDER BY month", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, id);
                    ps.setString(3, userId);
                    ps.setInt(4, year);
                }, rs -> new ListenerMonth(rs.getDate(1).toLocalDate(), rs.getLong(2), rs.getDouble(3), rs.getLong(4)));
        List<Map.Entry<String, TopItem>> top = sql.list("reading a listener's top items", "SELECT kind, rank, item_id, plays, minutes "
                + "FROM listener_top_items WHERE org_id = ? AND model_version_id = ? AND user_id = ? AND year = ? ORDER BY kind, rank", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, id);
                    ps.setString(3, userId);
                    ps.setInt(4, year);
                }, rs -> Map.entry(rs.getString(1), new TopItem(rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getDouble(5))));
        List<TopItem> tracks = top.stream().filter(e -> e.getKey().equals("track")).map(Map.Entry::getValue).toList();
        List<TopItem> genres = top.stream().filter(e -> e.getKey().equals("genre")).map(Map.Entry::getValue).toList();
        ListenerMonth peak = months.stream().max(Comparator.comparingLong(ListenerMonth::plays)).orElse(null);
        return new ListenerWrapped(year, userId, v.get().version().toString(), months.stream().mapToLong(ListenerMonth::plays).sum(),
                months.stream().mapToDouble(ListenerMonth::minutes).sum(), peak == null ? null : peak.month(), months, tracks, genres);
    }

    /** Listening by month of the year and season; {@code hemisphere} (north | south) names the seasons. */
    public Seasonal seasonal(Principal p, String userId, String hemisphere) {
        String user = userId == null ? "" : Check.id("user_id", userId);
        String half = hemisphere == null ? "north" : hemisphere;
        List<String> names = SEASON_NAMES.get(half);
        if (names == null) {
            throw Check.invalid("hemisphere", "'hemisphere' must be north or south");
        }
        Rows<MonthOfYear> rows = rows(p, TEMPORAL_PATTERNS, v -> sql.list("reading seasonal profiles", "SELECT month_of_year, plays, "
                + "minutes, share FROM seasonal_profiles WHERE org_id = ? AND model_version_id = ? AND user_id = ? ORDER BY month_of_year", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setLong(2, v);
                    ps.setString(3, user);
                }, rs -> new MonthOfYear(rs.getInt(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4))));
        List<Season> seasons = new ArrayList<>();
        for (int i = 0; i < SEASON_MONTHS.size(); i++) {
            List<Integer> in = SEASON_MONTHS.get(i);
            List<MonthOfYear> of = rows.rows().stream().filter(m -> in.contains(m.monthOfYear())).toList();
            seasons.add(new Season(names.get(i), in, of.stream().mapToLong(MonthOfYear::plays).sum(),
                    of.stream().mapToDouble(MonthOfYear::minutes).sum(), of.stream().mapToDouble(MonthOfYear::share).sum()));
        }
        String peak = rows.rows().isEmpty() ? null
                : seasons.stream().max(Comparator.comparingLong(Season::plays)).map(Season::season).orElse(null);
        return new Seasonal(rows.modelVersion(), userId, half, rows.rows(), rows.rows().isEmpty() ? List.of() : seasons, peak);
    }

    /** A listener's taste: recent genres and skip rate (streaming features), listening hours, similar listeners. */
    public TasteProfile tasteProfile(Principal p, String userId) {
        Check.id("user_id", userId);
        FeatureRow session = online.read(p.orgId(), FeatureViews.USER_SESSIONS, List.of(userId)).get(userId);
        Rows<SimilarUser> similar = similarUsers(p, userId, 5);
        Optional<ModelVersion> temporal = active(p, TEMPORAL_PATTERNS);
        List<Cell> cells = temporal.map(v -> cells(p, v.id(), userId)).orElse(List.of());
        if (session == null && similar.rows().isEmpty() && cells.isEmpty()) {
            throw ApiErrors.notFound("listener with history", userId);
        }
        Cell peak = cells.stream().max((a, b) -> Long.compare(a.plays(), b.plays())).orElse(null);
        return new TasteProfile(userId, similar.modelVersion(),
                session != null && session.has("top_genres_7d") ? session.getIds("top_genres_7d") : List.of(),
                session != null && session.has("skip_rate_7d") ? session.getDouble("skip_rate_7d") : null,
                session != null && session.has("minutes_listened_7d") ? session.getDouble("minutes_listened_7d") : null,
                peak == null ? null : peak.dayOfWeek(), peak == null ? null : peak.hourOfDay(), similar.rows());
    }

    private interface VersionQuery<T> {
        List<T> rows(long versionId);
    }

    private <T> Rows<T> rows(Principal p, String algorithm, VersionQuery<T> query) {
        Optional<ModelVersion> v = active(p, algorithm);
        return v.map(version -> new Rows<>(version.version().toString(), algorithm, query.rows(version.id())))
                .orElseGet(() -> new Rows<>(null, algorithm, List.of()));
    }

    private static Map<String, Object> genreRow(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("genre_id", rs.getString(1));
        m.put("plays", rs.getLong(2));
        m.put("minutes", rs.getDouble(3));
        return m;
    }
}
