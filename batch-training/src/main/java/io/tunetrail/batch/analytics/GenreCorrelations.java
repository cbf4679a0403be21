package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Job 4, genre-correlations: which top-level genres are heard together, within a listener's whole history and within
 * one listening session — the "if you like Rock, try Electronic" pairs.
 *
 * <p>A basket is a user (scope {@code user}) or a session (scope {@code session}, {@link ListeningEvents#withSessions});
 * it holds the top-level genres of the tracks it has positive events for ({@link ListeningEvents#IS_POSITIVE}: a
 * skipped track says nothing about taste). Subgenres are rolled up to their top-level genre, so that a track's own
 * genre and subgenre do not make a trivial pair. For genres a, b of an org and scope with N baskets:
 * <ul>
 *   <li>{@code count_a}, {@code count_b}: baskets holding a (b); {@code count_ab}: baskets holding both;
 *   <li>{@code lift} = N·count_ab / (count_a·count_b): above 1 means together more often than chance;
 *   <li>{@code npmi} = ln(p_ab / (p_a·p_b)) / −ln(p_ab), in [−1, 1]: 1 when a and b only ever occur together
 *       (also when every basket holds both), 0 when independent.
 * </ul>
 * Pairs held by fewer than {@link AnalyticsSettings#minPairBaskets()} baskets are dropped (lift of rare pairs is
 * noise). Each pair is output in both orders, so "genres that go with a" is one filter on {@code genre_a}.
 *
 * <p>Output columns: {@code org_id, scope, genre_a, genre_b, count_ab, count_a, count_b, baskets, lift, npmi}.
 */
public final class GenreCorrelations {
    private final AnalyticsSettings settings;

    public GenreCorrelations(AnalyticsSettings settings) {
        this.settings = settings;
    }

    /**
     * @param interactions raw interactions (see {@link ListeningEvents})
     * @param catalogTracks the catalog tracks: {@code org_id, track_id, top_genre_ids} ({@link TopGenres#withTopGenres})
     */
    public Dataset<Row> compute(Dataset<Row> interactions, Dataset<Row> catalogTracks) {
        Dataset<Row> positive = ListeningEvents.withSessions(interactions, settings.sessionGapMinutes())
                .filter(ListeningEvents.IS_POSITIVE)
                .select("org_id", "user_id", "session_id", "track_id");
        Dataset<Row> genres = catalogTracks.select(col("org_id"), col("track_id"),
                explode(col("top_genre_ids")).as("genre"));
        Dataset<Row> withGenre = positive.join(genres, new String[] {"org_id", "track_id"});
        Dataset<Row> baskets = withGenre.select(col("org_id"), lit("user").as("scope"), col("user_id").as("basket"), col("genre"))
                .union(withGenre.select(col("org_id"), lit("session").as("scope"), col("session_id").as("basket"), col("genre")))
                .distinct();
        return correlations(baskets).orderBy("org_id", "scope", "genre_a", "genre_b");
    }

    /** Pair statistics from distinct (org_id, scope, basket, genre) rows. */
    Dataset<Row> correlations(Dataset<Row> baskets) {
        Dataset<Row> totals = baskets.groupBy("org_id", "scope").agg(countDistinct("basket").as("baskets"));
        Dataset<Row> perGenre = baskets.groupBy("org_id", "scope", "genre").agg(count(lit(1)).as("n"));
        Dataset<Row> a = baskets.toDF("org_id", "scope", "basket", "genre_a");
        Dataset<Row> b = baskets.toDF("org_id", "scope", "basket", "genre_b");
        Dataset<Row> pairs = a.join(b, new String[] {"org_id", "scope", "basket"})
                .filter(col("genre_a").lt(col("genre_b")))
                .groupBy("org_id", "scope", "genre_a", "genre_b").agg(count(lit(1)).as("count_ab"))
                .filter(col("count_ab").geq(settings.minPairBaskets()));
        Dataset<Row> stats = pairs
                .join(perGenre.toDF("org_id", "scope", "genre_a", "count_a"), new String[] {"org_id", "scope", "genre_a"})
                .join(perGenre.toDF("org_id", "scope", "genre_b", "count_b"), new String[] {"org_id", "scope", "genre_b"})
                .join(totals, new String[] {"org_id", "scope"});
        Column n = col("baskets").cast("double");
        Column pab = col("count_ab").divide(n);
        Column pmi = log(col("count_ab").multiply(n).divide(col("count_a").multiply(col("count_b"))));
        Dataset<Row> scored = stats
                .withColumn("lift", col("count_ab").multiply(n).divide(col("count_a").multiply(col("count_b"))))
                .withColumn("npmi", when(col("count_ab").equalTo(col("baskets")), lit(1.0)).otherwise(pmi.divide(log(pab).multiply(-1))));
        Dataset<Row> forward = scored.select("org_id", "scope", "genre_a", "genre_b", "count_ab", "count_a", "count_b",
                "baskets", "lift", "npmi");
        Dataset<Row> backward = scored.select(col("org_id"), col("scope"), col("genre_b").as("genre_a"),
                col("genre_a").as("genre_b"), col("count_ab"), col("count_b").as("count_a"), col("count_a").as("count_b"),
                col("baskets"), col("lift"), col("npmi"));
        return forward.union(backward);
    }
}
