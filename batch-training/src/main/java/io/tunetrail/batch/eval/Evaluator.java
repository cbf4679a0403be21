package io.tunetrail.batch.eval;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.als.AlsParams;
import io.tunetrail.batch.als.FactorTopK;
import io.tunetrail.batch.als.ImplicitAls;
import io.tunetrail.batch.als.NightlyModelChoice;
import io.tunetrail.batch.als.OrgAls;
import io.tunetrail.batch.als.Preferences;
import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.batch.eval.family.Hyperparameters;
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
 * Trains implicit ALS, or the family that served a version ({@link Served}), on the training part of a holdout split
 * and ranks every track for every evaluated listener (full ranking, training tracks excluded), beside a popularity
 * baseline ranked the same way, and scores both with {@link RankingMetrics}. A held-out track is relevant whatever the
 * event (a play, a like, a rating of any value).
 */
public final class Evaluator {
    /** The family of this evaluator's own ALS. */
    static final String ALS = "als";

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

    /**
     * The family a version's lists came from, as the registry recorded the nightly choice ({@code input_snapshot.family}
     * and {@code family_params}), and the org's catalog ({@code track_id, genres}: the content family's features).
     */
    public record Served(String family, Map<String, Object> params, Dataset<Row> tracks) {}

    /**
     * One evaluation: the served model's metrics (its {@code family}; {@code als} when this evaluator's own ALS was
     * scored), the baseline's, and the sizes of the split.
     */
    public record Report(int k, String split, String family, RankingMetrics model, RankingMetrics baseline, long users, long tracks,
            long trainPairs, long heldOutPairs) {
        /** {@code model precision / baseline precision}; infinite when the baseline has none. */
        public double precisionRatio() {
            return baseline.precision() == 0 ? Double.POSITIVE_INFINITY : model.precision() / baseline.precision();
        }

        /** For the registry: {@code family}, the model's figures under the family's name, {@code baseline}, the sizes. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("k", k);
            m.put("split", split);
            m.put("family", family);
            m.put(family, model.asMap());
            m.put("baseline", baseline.asMap());
            m.put("users", users);
            m.put("tracks", tracks);
            m.put("train_pairs", trainPairs);
            m.put("held_out_pairs", heldOutPairs);
            return m;
        }
    }

    /** Evaluates this evaluator's ALS ({@link #evaluate(Dataset, Served)} without a served family). */
    public Report evaluate(Dataset<Row> events) {
        return evaluate(events, null);
    }

    /**
     * Evaluates on one org's (or one data set's) events: {@code user_id, track_id, event_type, count, event_time}.
     * {@code served} (null: this evaluator's ALS) is fitted with its recorded hyperparameters on the same training part
     * and ranked under the same rules: every training track of the listener left out, top k.
     */
    public Report evaluate(Dataset<Row> events, Served served) {
        Dataset<Row> withOrg = Arrays.asList(events.columns()).contains("org_id") ? events : events.withColumn("org_id", lit("eval"));
        Dataset<Row> pairs = split.pairs(withOrg).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> trainPairs = pairs.filter(col("train"));
            Dataset<Row> tp = trainPairs.select("user_id", "track_id");
            Dataset<Row> trainEvents = withOrg.join(tp, withOrg.col("user_id").equalTo(tp.col("user_id"))
                    .and(withOrg.col("track_id").equalTo(tp.col("track_id"))), "left_semi");
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
            Map<String, List<String>> modelLists = served == null ? alsLists(trainEvents, evaluated)
                    : servedLists(served, trainEvents, heldOut.keySet());

            // The baseline is the same full ranking with one "factor": every listener (1) times the track's
            // training listeners.
            Dataset<Row> popularity = trainPairs.groupBy("track_id").agg(countDistinct("user_id").cast("float").as("p"))
                    .select(col("track_id"), array(col("p")).as("features"));
            Dataset<Row> popQueries = evaluated.withColumn("features", array(lit(1.0f)));
            Map<String, List<String>> popLists = lists(FactorTopK.topK(popQueries, "user_id", "heard",
                    popularity, "track_id", k, false));

            return new Report(k, split.kind().wireName(), served == null ? ALS : served.family(),
                    RankingMetrics.compute(k, modelLists, heldOut, listeners, trainUsers, trainTracks),
                    RankingMetrics.compute(k, popLists, heldOut, listeners, trainUsers, trainTracks),
                    trainUsers, trainTracks, trainCount, heldOutCount);
        } finally {
            pairs.unpersist();
        }
    }

    /** This evaluator's ALS fitted on the training events, its top k for each {@code evaluated} listener. */
    private Map<String, List<String>> alsLists(Dataset<Row> trainEvents, Dataset<Row> evaluated) {
        OrgAls.Fitted fitted = solver.fit(preferences.compute(trainEvents));
        try {
            return topLists(fitted.factors(fitted.orgs().get(0)), evaluated, k);
        } finally {
            fitted.unpersist();
        }
    }

    /**
     * The served family fitted on the training events' positive preferences as the nightly choice fits it
     * ({@link NightlyModelChoice.OrgRows}), its top k for each listener of {@code evaluated}, every training pair left out.
     */
    private Map<String, List<String>> servedLists(Served served, Dataset<Row> trainEvents, Set<String> evaluated) {
        Family family = Families.parse(served.family()).get(0);
        NightlyModelChoice.OrgRows rows = NightlyModelChoice.OrgRows.of(preferences.compute(trainEvents), trainEvents, served.tracks());
        UserItemMatrix train = UserItemMatrix.of(rows.interactions());
        Map<String, Object> params = new LinkedHashMap<>(family.defaults().values());
        params.putAll(served.params());
        Map<String, List<String>> out = new HashMap<>();
        for (BestFamily.Ranked r : BestFamily.topN(train, family.fit(train, new Hyperparameters(params)), k, true, rows.heard())) {
            if (evaluated.contains(r.userId())) {
                out.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r.itemId());
            }
        }
        return out;
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
