package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Job 6, context-correlations: per org, how the tracks played during each reported activity (workout, study, sleep,
 * commute, party) differ in each audio feature from the tracks played otherwise.
 *
 * <p>An observation is one listened play ({@link ListeningEvents#IS_LISTENED}, weighted by {@code count}) of a track
 * with audio features; the activity is the event's {@code context.activity}. For each activity other than
 * {@code none} with at least {@link AnalyticsSettings#minActivityPlays()} plays, and each feature of
 * {@link #FEATURES}: both groups' sizes and means, Cohen's d (activity minus the rest) and its 95% CI
 * ({@link EffectSize}). A pair is a {@code finding} when |d| ≥ {@link AnalyticsSettings#minEffect()} and the CI
 * excludes 0. Plays of one listener are not independent (a listener who works out to one playlist contributes
 * hundreds of near-identical plays), so the CI's standard error is cluster-robust with listeners as clusters
 * ({@link ClusteredMeans}), never below the independent-plays one; a pair with fewer than two listeners on either side
 * is not reported. (Cluster-robust rather than a cluster bootstrap: it is exact arithmetic over sums Spark already
 * computes, needs no seed, and costs one pass at any scale.)
 *
 * <p>Spark only sums (n, Σx, Σx² and the per-listener cross products per org, activity and feature); the few
 * resulting rows are finished on the driver.
 * Output columns: {@code org_id, activity, feature, n_activity, n_other, mean_activity, mean_other, effect_size,
 * ci_low, ci_high, finding}.
 */
public final class ContextCorrelations {
    /** The audio features compared, as columns of the catalog tracks (and names in {@code context_correlations}). */
    public static final List<String> FEATURES = List.of("tempo", "loudness", "energy", "danceability", "valence",
            "acousticness", "instrumentalness", "liveness", "speechiness");

    public static final StructType SCHEMA = new StructType()
            .add("org_id", DataTypes.StringType, false).add("activity", DataTypes.StringType, false)
            .add("feature", DataTypes.StringType, false)
            .add("n_activity", DataTypes.LongType, false).add("n_other", DataTypes.LongType, false)
            .add("mean_activity", DataTypes.DoubleType, false).add("mean_other", DataTypes.DoubleType, false)
            .add("effect_size", DataTypes.DoubleType, false).add("ci_low", DataTypes.DoubleType, false)
            .add("ci_high", DataTypes.DoubleType, false).add("finding", DataTypes.BooleanType, false);

    private final AnalyticsSettings settings;

    public ContextCorrelations(AnalyticsSettings settings) {
        this.settings = settings;
    }

    /**
     * @param interactions raw interactions (see {@link ListeningEvents})
     * @param catalogTracks the catalog tracks with the audio feature columns of {@link #FEATURES} (null when a
     *     track has none: its plays are left out)
     */
    public Dataset<Row> compute(Dataset<Row> interactions, Dataset<Row> catalogTracks) {
        SparkSession spark = interactions.sparkSession();
        String stack = FEATURES.stream().map(f -> "'" + f + "', cast(" + f + " as double)")
                .collect(Collectors.joining(", ", "stack(" + FEATURES.size() + ", ", ") as (feature, x)"));
        Dataset<Row> observations = interactions.filter(ListeningEvents.IS_LISTENED)
                .select(col("org_id"), col("user_id"), col("track_id"), col("context.activity").as("activity"),
                        ListeningEvents.WEIGHT.cast("double").as("w"))
                .join(catalogTracks.filter(col("energy").isNotNull()), new String[] {"org_id", "track_id"})
                .select(col("org_id"), col("user_id"), col("activity"), col("w"), expr(stack));
        // Per listener (the cluster) and activity: count and sum; then the listener's totals over all activities, so
        // the rest-of-the-plays group of each listener is total minus activity.
        Dataset<Row> perListener = observations.groupBy("org_id", "feature", "user_id", "activity")
                .agg(sum("w").as("n"), sum(col("w").multiply(col("x"))).as("sx"),
                        sum(col("w").multiply(col("x")).multiply(col("x"))).as("sxx"));
        Dataset<Row> listenerTotals = perListener.groupBy("org_id", "feature", "user_id")
                .agg(sum("n").as("nu"), sum("sx").as("su"));
        Dataset<Row> withRest = perListener.join(listenerTotals, new String[] {"org_id", "feature", "user_id"})
                .withColumn("nr", col("nu").minus(col("n"))).withColumn("sr", col("su").minus(col("sx")));
        List<Row> byActivity = withRest.groupBy("org_id", "activity", "feature").agg(
                sum("n").as("n"), sum("sx").as("sx"), sum("sxx").as("sxx"),
                sum(expr("sx * sx")), sum(expr("n * sx")), sum(expr("n * n")),
                sum(expr("sr * sr - su * su")), sum(expr("nr * sr - nu * su")), sum(expr("nr * nr - nu * nu")),
                sum(expr("sx * sr")), sum(expr("n * sr")), sum(expr("sx * nr")), sum(expr("n * nr")),
                count(lit(1)), sum(expr("CASE WHEN nr = 0 THEN 1 ELSE 0 END")))
                .collectAsList();
        Map<List<String>, Row> totals = new HashMap<>();
        for (Row r : listenerTotals.groupBy("org_id", "feature")
                .agg(sum(expr("su * su")), sum(expr("nu * su")), sum(expr("nu * nu")), count(lit(1))).collectAsList()) {
            totals.put(List.of(r.getString(0), r.getString(1)), r);
        }
        return spark.createDataFrame(finish(byActivity, totals), SCHEMA).orderBy("org_id", "activity", "feature");
    }

    /** Moments of one group: weighted count, Σx and Σx². */
    private record Moments(double n, double sx, double sxx) {
        Moments plus(Moments o) {
            return new Moments(n + o.n, sx + o.sx, sxx + o.sxx);
        }

        Moments minus(Moments o) {
            return new Moments(n - o.n, sx - o.sx, sxx - o.sxx);
        }

        double mean() {
            return sx / n;
        }

        /** Sample variance; clamped at 0 against rounding when all values are equal. */
        double variance() {
            return Math.max(0, (sxx - sx * sx / n) / (n - 1));
        }
    }

    private List<Row> finish(List<Row> sums, Map<List<String>, Row> totals) {
        // (org, feature) -> all plays; (org, feature, activity) -> the activity's plays.
        Map<List<String>, Moments> all = new HashMap<>();
        for (Row r : sums) {
            all.merge(List.of(r.getString(0), r.getString(2)), new Moments(r.getDouble(3), r.getDouble(4), r.getDouble(5)),
                    Moments::plus);
        }
        List<Row> out = new ArrayList<>();
        for (Row r : sums) {
            String org = r.getString(0);
            String activity = r.getString(1);
            String feature = r.getString(2);
            Moments in = new Moments(r.getDouble(3), r.getDouble(4), r.getDouble(5));
            Moments rest = all.get(List.of(org, feature)).minus(in);
            Row t = totals.get(List.of(org, feature));
            long listeners = t.getLong(5);
            long inListeners = r.getLong(16);
            long restListeners = listeners - r.getLong(17);
            // A listener is one cluster: with fewer than two on either side there is no spread between listeners to
            // measure, so the pair is not reported (like an activity with too few plays).
            if ("none".equals(activity) || in.n() < settings.minActivityPlays() || rest.n() < 2
                    || inListeners < 2 || restListeners < 2) {
                continue;
            }
            ClusteredMeans clustered = new ClusteredMeans(in.n(), in.sx(), r.getDouble(6), r.getDouble(7), r.getDouble(8),
                    rest.n(), rest.sx(), t.getDouble(2) + r.getDouble(9), t.getDouble(3) + r.getDouble(10),
                    t.getDouble(4) + r.getDouble(11), r.getDouble(12), r.getDouble(13), r.getDouble(14), r.getDouble(15),
                    listeners);
            // Never narrower than the independent-plays interval: with few listeners the sandwich estimate is itself
            // too small, and plays of one listener are never less alike than independent ones.
            double pooledVar = ((in.n() - 1) * in.variance() + (rest.n() - 1) * rest.variance()) / (in.n() + rest.n() - 2);
            double naiveVar = pooledVar * (in.n() + rest.n()) / (in.n() * rest.n());
            EffectSize d = EffectSize.cohensD(in.n(), in.mean(), in.variance(), rest.n(), rest.mean(), rest.variance(),
                    Math.max(naiveVar, clustered.varianceOfDifference()));
            boolean finding = Math.abs(d.d()) >= settings.minEffect() && d.excludesZero();
            out.add(RowFactory.create(org, activity, feature, Math.round(in.n()), Math.round(rest.n()), in.mean(),
                    rest.mean(), d.d(), d.ciLow(), d.ciHigh(), finding));
        }
        return out;
    }
}
