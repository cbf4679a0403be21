package io.tunetrail.batch.eval;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.als.AlsParams;
import io.tunetrail.batch.als.FactorTopK;
import io.tunetrail.batch.als.ImplicitAls;
import io.tunetrail.batch.als.OrgAls;
import io.tunetrail.batch.als.Preferences;
import io.tunetrail.model.PlatformConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains implicit ALS on the training part of a holdout split and ranks every track for every evaluated listener
 * (full ranking, training tracks excluded), beside a popularity baseline ranked the same way, and scores both with
 * {@link RankingMetrics}. A held-out track is relevant whatever the event (a play, a like, a rating of any value).
 */
public final class Evaluator {
    private final AlsParams params;
    private final Preferences preferences;
    private final HoldoutSplit split;
    private final int k;

    private final OrgAls solver;

    /** Fits with the default solver choice ({@link OrgAls}: in memory up to the default size, MLlib above). */
    public Evaluator(AlsParams params, Preferences preferences, HoldoutSplit split, int k) {
        this(params, preferences, split, k, new OrgAls(params,
                Long.parseLong(PlatformConfig.ALS_IN_MEMORY_MAX_PREFERENCES.defaultValue()), 0));
    }

    public Evaluator(AlsParams params, Preferences preferences, HoldoutSplit split, int k, OrgAls solver) {
        this.params = params;
        this.preferences = preferences;
        this.split = split;
        this.k = k;
        this.solver = solver;
    }

    /** The evaluation the configuration describes ({@code batch.als.*}, {@code batch.eval.*}). */
    public static Evaluator from(PlatformConfig config) {
        return new Evaluator(AlsParams.from(config), Preferences.from(config),
                new HoldoutSplit(HoldoutSplit.Kind.parse(config.get(PlatformConfig.EVAL_SPLIT)),
                        config.getDouble(PlatformConfig.EVAL_RATIO), config.getLong(PlatformConfig.EVAL_SEED)),
                config.getInt(PlatformConfig.EVAL_K), OrgAls.from(config, AlsParams.from(config)));
    }

    /** One evaluation: both recommenders' metrics and the sizes of the split. */
    public record Report(int k, String split, RankingMetrics als, RankingMetrics baseline, long users, long tracks,
            long trainPairs, long heldOutPairs) {
        /** {@code als precision / baseline precision}; infinite when the baseline has none. */
        public double precisionRatio() {
            return baseline.precision() == 0 ? Double.POSITIVE_INFINITY : als.precision() / baseline.precision();
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("k", k);
            m.put("split", split);
            m.put("als", als.asMap());
            m.put("baseline", baseline.asMap());
            m.put("users", users);
            m.put("tracks", tracks);
            m.put("train_pairs", trainPairs);
            m.put("held_out_pairs", heldOutPairs);
            return m;
        }
    }

    /** Evaluates on one org's (or one data set's) events: {@code user_id, track_id, event_type, count, event_time}. */
    public Report evaluate(Dataset<Row> events) {
        Dataset<Row> withOrg = Arrays.asList(events.columns()).contains("org_id") ? events : events.withColumn("org_id", lit("eval"));
        Dataset<Row> pairs = split.pairs(withOrg).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> trainPairs = pairs.filter(col("train"));
            Dataset<Row> tp = trainPairs.select("user_id", "track_id");
            Dataset<Row> trainEvents = withOrg.join(tp, withOrg.col("user_id").equalTo(tp.col("user_id"))
                    .and(withOrg.col("track_id").equalTo(tp.col("track_id"))), "left_semi");
            OrgAls.Fitted fitted = solver.fit(preferences.compute(trainEvents));
            try {
                ImplicitAls.Factors factors = fitted.factors(fitted.orgs().get(0));
                Dataset<Row> heard = trainPairs.groupBy("user_id").agg(collect_list("track_id").as("heard"));
                Map<String, Set<String>> heldOut = new HashMap<>();
                for (Row r : pairs.filter(col("train").equalTo(false)).select("user_id", "track_id").collectAsList()) {
                    heldOut.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(r.getString(1));
                }
                Map<String, Long> listeners = new HashMap<>();
                for (Row r : trainPairs.groupBy("track_id").agg(countDistinct("user_id")).collectAsList()) {
                    listeners.put(r.getString(0), r.getLong(1));
                }
                long trainUsers = trainPairs.select("user_id").distinct().count();
                long trainTracks = listeners.size();
                long trainCount = trainPairs.count();
                long heldOutCount = heldOut.values().stream().mapToLong(Set::size).sum();

                Dataset<Row> heldOutUsers = pairs.filter(col("train").equalTo(false)).select("user_id").distinct();
                Dataset<Row> evaluated = heard.join(heldOutUsers, "user_id");
                Map<String, List<String>> alsLists = topLists(factors, evaluated, k);

                // The baseline is the same full ranking with one "factor": every listener (1) times the track's
                // training listeners.
                Dataset<Row> popularity = trainPairs.groupBy("track_id").agg(countDistinct("user_id").cast("float").as("p"))
                        .select(col("track_id"), array(col("p")).as("features"));
                Dataset<Row> popQueries = evaluated.withColumn("features", array(lit(1.0f)));
                Map<String, List<String>> popLists = lists(FactorTopK.topK(popQueries, "user_id", "heard",
                        popularity, "track_id", k, false));

                return new Report(k, split.kind().wireName(),
                        RankingMetrics.compute(k, alsLists, heldOut, listeners, trainUsers, trainTracks),
                        RankingMetrics.compute(k, popLists, heldOut, listeners, trainUsers, trainTracks),
                        trainUsers, trainTracks, trainCount, heldOutCount);
            } finally {
                fitted.unpersist();
            }
        } finally {
            pairs.unpersist();
        }
    }

    /**
     * Each listener's top k of the factors' full ranking, their {@code heard} tracks excluded.
     *
     * @param listeners {@code user_id, heard} (array of track ids) of the listeners to rank for
     */
    public static Map<String, List<String>> topLists(ImplicitAls.Factors factors, Dataset<Row> listeners, int k) {
        return lists(FactorTopK.topK(factors.users().join(listeners, "user_id"), "user_id", "heard", factors.tracks(),
                "track_id", k, false));
    }

    private static Map<String, List<String>> lists(Dataset<Row> ranked) {
        Map<String, List<String>> out = new HashMap<>();
        List<Row> rows = new ArrayList<>(ranked.select("user_id", "rank", "track_id").collectAsList());
        rows.sort((a, b) -> Integer.compare(a.getInt(1), b.getInt(1)));
        for (Row r : rows) {
            out.computeIfAbsent(r.getString(0), u -> new ArrayList<>()).add(r.getString(2));
        }
        return out;
    }
}
