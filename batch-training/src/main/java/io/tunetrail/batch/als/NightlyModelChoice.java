package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.tunetrail.batch.eval.BestFamily;
import io.tunetrail.batch.eval.Interactions;
import io.tunetrail.batch.eval.RowSplit;
import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Which model family serves an org's lists, chosen each night ({@link BestFamily}): the families of the org's plan
 * ladder ({@code model_families} in config/plans.yaml) that a nightly fit can train, and {@code als}, which every org
 * with a model of its own was served by before and whose factors the similarity jobs read anyway. The search budget
 * scales with the org's size ({@code batch.best-of.tune-seconds-per-100k-preferences}); {@code batch.best-of.family}
 * (an enterprise training request's {@code family}) skips the search.
 *
 * <p>Runs on the driver over the org's preferences, like the in-memory ALS: an org small enough for
 * {@link InMemoryAls} fits in the driver's memory too; a bigger one keeps MLlib's ALS and no choice is made.
 */
public final class NightlyModelChoice {
    static final StructType RECOMMENDATIONS = new StructType()
            .add("user_id", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("track_id", DataTypes.StringType, false)
            .add("score", DataTypes.DoubleType, false);
    private static final int K = 10;

    private final PlanCatalog plans;
    private final double secondsPer100k;
    private final String forcedFamily;
    private final Map<String, Object> forcedParams;
    private final long seed;

    public NightlyModelChoice(PlanCatalog plans, double secondsPer100k, String forcedFamily,
            Map<String, Object> forcedParams, long seed) {
        this.plans = plans;
        this.secondsPer100k = secondsPer100k;
        this.forcedFamily = forcedFamily == null ? "" : forcedFamily.trim();
        this.forcedParams = forcedParams;
        if (!this.forcedFamily.isEmpty()) {
            Families.parse(this.forcedFamily);
        } else if (!forcedParams.isEmpty()) {
            throw new IllegalArgumentException("configuration key " + PlatformConfig.BEST_OF_FAMILY_PARAMS.describe()
                    + " is set but " + PlatformConfig.BEST_OF_FAMILY.describe() + " is not; name the family the params are for");
        }
        this.seed = seed;
    }

    public static NightlyModelChoice from(PlatformConfig config, PlanCatalog plans) {
        return new NightlyModelChoice(plans, config.getDouble(PlatformConfig.BEST_OF_TUNE_SECONDS),
                config.get(PlatformConfig.BEST_OF_FAMILY), BestFamily.parseParams(config.get(PlatformConfig.BEST_OF_FAMILY_PARAMS)),
                config.getLong(PlatformConfig.ALS_SEED));
    }

    /** The families an org on this plan is chosen among (empty plan: an org unknown to PostgreSQL, als alone). */
    public List<Family> candidates(Optional<String> planId) {
        List<String> names = new ArrayList<>(planId.map(p -> plans.plan(p).modelFamilies()).orElse(List.of()));
        if (!names.contains(AlsJob.NAME)) {
            names.add(AlsJob.NAME);
        }
        return BestFamily.trainable(names);
    }

    /** The search budget of an org of this many preferences, for all its families. */
    public Duration budget(long preferences) {
        return Duration.ofMillis(Math.round(secondsPer100k * preferences / 100.0));
    }

    /** The chosen family's lists for one org, and the choice for the registry. */
    public record Outcome(BestFamily.Choice choice, Dataset<Row> recommendations) {}

    /**
     * Chooses and fits for one org.
     *
     * @param prefs the org's preferences ({@code user_id, track_id, preference}); only positive ones are interactions
     *     to the families, the others are heard (left out of the lists when {@code excludeHeard})
     * @param events the org's events ({@code user_id, track_id, event_time}): every pair heard, and each pair's newest time
     * @param tracks the org's catalog ({@code track_id, genres}): the content family's features
     */
    public Outcome choose(Optional<String> planId, Dataset<Row> prefs, Dataset<Row> events, Dataset<Row> tracks, int topN,
            boolean excludeHeard) {
        OrgRows org = OrgRows.of(prefs, events, tracks);
        Interactions interactions = org.interactions();
        Map<String, Set<String>> heard = org.heard();
        BestFamily best = new BestFamily(new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, seed), seed + 1, K);
        List<Family> candidates = candidates(planId);
        Optional<Family> forced = candidates.stream().filter(f -> f.name().equals(forcedFamily)).findFirst();
        BestFamily.Choice choice = forced.isPresent() ? best.forced(interactions, forced.get(), forcedParams)
                : best.choose(interactions, candidates, budget(interactions.size()));
        List<Row> out = new ArrayList<>();
        for (BestFamily.Ranked r : BestFamily.topN(choice, topN, excludeHeard, heard)) {
            out.add(RowFactory.create(r.userId(), r.rank(), r.itemId(), r.score()));
        }
        SparkSession spark = prefs.sparkSession();
        return new Outcome(choice, spark.createDataFrame(out, RECOMMENDATIONS));
    }

    /**
     * An org's positive preferences as the families' interactions (each pair's newest event time, the catalog's genres
     * as item features), and every pair heard per listener, also those without a positive preference.
     */
    public record OrgRows(Interactions interactions, Map<String, Set<String>> heard) {
        /**
         * @param prefs {@code user_id, track_id, preference}
         * @param events {@code user_id, track_id, event_time}
         * @param tracks {@code track_id, genres}
         */
        public static OrgRows of(Dataset<Row> prefs, Dataset<Row> events, Dataset<Row> tracks) {
            Map<String, Long> newest = new HashMap<>();
            Map<String, Set<String>> heard = new HashMap<>();
            for (Row r : events.groupBy("user_id", "track_id").agg(max(col("event_time")).cast("long").as("t")).collectAsList()) {
                newest.put(r.getString(0) + "\u0000" + r.getString(1), r.isNullAt(2) ? 0L : r.getLong(2));
                heard.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(r.getString(1));
            }
            Map<String, List<String>> features = new HashMap<>();
            for (Row r : tracks.select("track_id", "genres").collectAsList()) {
                if (!r.isNullAt(1)) {
                    features.put(r.getString(0), r.getList(1));
                }
            }
            Interactions.Builder rows = new Interactions.Builder();
            // Sorted, the split draws the same rows every run of the same data.
            for (Row r : prefs.filter(col(Preferences.PREFERENCE).gt(0)).select(col("user_id"), col("track_id"),
                    col(Preferences.PREFERENCE).cast("float")).orderBy("user_id", "track_id").collectAsList()) {
                rows.addRow(r.getString(0), r.getString(1), r.getFloat(2),
                        newest.getOrDefault(r.getString(0) + "\u0000" + r.getString(1), 0L));
            }
            return new OrgRows(rows.build(features), heard);
        }
    }

    /** What the registry keeps of an org's choice, with the reason a forced family was not applied. */
    public Map<String, Object> describe(Outcome outcome) {
        Map<String, Object> m = new LinkedHashMap<>(outcome.choice().asMap());
        if (!forcedFamily.isEmpty() && !outcome.choice().forced()) {
            m.put("forced_family_ignored", forcedFamily + " is not in the org's plan ladder");
        }
        return m;
    }
}
