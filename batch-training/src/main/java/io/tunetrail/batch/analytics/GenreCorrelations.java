package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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

    /** Output columns; see the class comment. */
    public static final StructType SCHEMA = new StructType()
            .add("org_id", DataTypes.StringType, false).add("scope", DataTypes.StringType, false)
            .add("genre_a", DataTypes.StringType, false).add("genre_b", DataTypes.StringType, false)
            .add("count_ab", DataTypes.LongType, false).add("count_a", DataTypes.LongType, false)
            .add("count_b", DataTypes.LongType, false).add("baskets", DataTypes.LongType, false)
            .add("lift", DataTypes.DoubleType, false).add("npmi", DataTypes.DoubleType, false);

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
                .union(withGenre.select(col("org_id"), lit("session").as("scope"), col("session_id").as("basket"), col("genre")));
        // One pass: each basket's sorted genre set yields its pairs a <= b (a = b counts the genre itself) and one
        // ("", "") that counts the basket; a single aggregation then gives pair, genre and basket counts at once.
        // Its result is small (orgs x scopes x genre pairs), so lift and NPMI are finished on the driver.
        Dataset<Row> sets = baskets.groupBy("org_id", "scope", "basket").agg(array_sort(collect_set("genre")).as("g"));
        Column pairs = concat(flatten(transform(col("g"), (x, i) -> transform(
                        slice(col("g"), i.plus(1), size(col("g")).minus(i)), y -> struct(x.as("a"), y.as("b"))))),
                array(struct(lit("").as("a"), lit("").as("b"))));
        List<Row> counts = sets.select(col("org_id"), col("scope"), explode(pairs).as("p"))
                .groupBy(col("org_id"), col("scope"), col("p.a").as("a"), col("p.b").as("b"))
                .agg(count(lit(1)).as("n"))
                .filter(col("a").equalTo(col("b")).or(col("n").geq(settings.minPairBaskets())))
                .collectAsList();
        return interactions.sparkSession().createDataFrame(score(counts), SCHEMA)
                .orderBy("org_id", "scope", "genre_a", "genre_b");
    }

    /** Pair rows, both orders, from (org, scope, a, b, n) counts: a = b = "" is the basket count, a = b a genre's. */
    private static List<Row> score(List<Row> counts) {
        Map<List<String>, Long> single = new HashMap<>();
        for (Row r : counts) {
            if (r.getString(2).equals(r.getString(3))) {
                single.put(List.of(r.getString(0), r.getString(1), r.getString(2)), r.getLong(4));
            }
        }
        List<Row> out = new ArrayList<>();
        for (Row r : counts) {
            String org = r.getString(0);
            String scope = r.getString(1);
            String a = r.getString(2);
            String b = r.getString(3);
            if (a.equals(b)) {
                continue;
            }
            long ab = r.getLong(4);
            long na = single.get(List.of(org, scope, a));
            long nb = single.get(List.of(org, scope, b));
            long n = single.get(List.of(org, scope, ""));
            double lift = (double) ab * n / ((double) na * nb);
            // Every basket holds both: complete co-occurrence, NPMI's upper end (the formula is 0/0 there).
            double npmi = ab == n ? 1.0 : Math.log(lift) / -Math.log((double) ab / n);
            out.add(RowFactory.create(org, scope, a, b, ab, na, nb, n, lift, npmi));
            out.add(RowFactory.create(org, scope, b, a, ab, nb, na, n, lift, npmi));
        }
        return out;
    }
}
