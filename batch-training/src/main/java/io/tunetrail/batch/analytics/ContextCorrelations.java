package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
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
 * excludes 0. Plays of one listener or one track are not independent, so the CI is narrower than a clustered analysis
 * would give: read it as the precision of the mean difference, not as a test of the listeners' population.
 *
 * <p>Spark only sums (n, Σx, Σx² per org, activity and feature); the few resulting rows are finished on the driver.
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
                .select(col("org_id"), col("track_id"), col("context.activity").as("activity"),
                        ListeningEvents.WEIGHT.cast("double").as("w"))
                .join(catalogTracks.filter(col("energy").isNotNull()), new String[] {"org_id", "track_id"})
                .select(col("org_id"), col("activity"), col("w"), expr(stack));
        List<Row> sums = observations.groupBy("org_id", "activity", "feature")
                .agg(sum("w").as("n"), sum(col("w").multiply(col("x"))).as("sx"),
                        sum(col("w").multiply(col("x")).multiply(col("x"))).as("sxx"))
                .collectAsList();
        return spark.createDataFrame(finish(sums), SCHEMA).orderBy("org_id", "activity", "feature");
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

    private List<Row> finish(List<Row> sums) {
        // (org, feature) -> all plays; (org, feature, activity) -> the activity's plays.
        Map<List<String>, Moments> all = new HashMap<>();
        Map<List<String>, Moments> byActivity = new HashMap<>();
        for (Row r : sums) {
            Moments m = new Moments(r.getDouble(3), r.getDouble(4), r.getDouble(5));
            String org = r.getString(0);
            String activity = r.getString(1);
            String feature = r.getString(2);
            all.merge(List.of(org, feature), m, Moments::plus);
            byActivity.put(List.of(org, feature, activity), m);
        }
        List<Row> out = new ArrayList<>();
        for (Map.Entry<List<String>, Moments> e : byActivity.entrySet()) {
            String org = e.getKey().get(0);
            String feature = e.getKey().get(1);
            String activity = e.getKey().get(2);
            Moments in = e.getValue();
            Moments rest = all.get(List.of(org, feature)).minus(in);
            if ("none".equals(activity) || in.n() < settings.minActivityPlays() || rest.n() < 2) {
                continue;
            }
            EffectSize d = EffectSize.cohensD(in.n(), in.mean(), in.variance(), rest.n(), rest.mean(), rest.variance());
            boolean finding = Math.abs(d.d()) >= settings.minEffect() && d.excludesZero();
            out.add(RowFactory.create(org, activity, feature, Math.round(in.n()), Math.round(rest.n()), in.mean(),
                    rest.mean(), d.d(), d.ciLow(), d.ciHigh(), finding));
        }
        return out;
    }
}
