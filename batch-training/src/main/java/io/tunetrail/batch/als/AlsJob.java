package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.ModelVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The {@code als} job: per org, implicit ALS on the listeners' preferences ({@link Preferences}), registered as a
 * candidate version of algorithm {@code als} (the lineage that serves listeners' lists); writes {@code user_factors},
 * {@code track_factors} and the top-N {@code recommendations} per listener (tracks they already interacted with left
 * out unless {@code batch.als.exclude-heard=false}) under that version. The lists come from the family chosen for the
 * org ({@link NightlyModelChoice}: the best of its plan's families on a validation split, or a forced one), which the
 * version's {@code input_snapshot} names ({@code family}, {@code family_params}, {@code validation_ndcg}); an org too
 * big for the in-memory solver keeps MLlib's ALS lists ({@code family: als}).
 *
 * <p>Community-edition orgs get no model of their own: {@link GlobalAlsJob} fits one for all of them.
 *
 * <p>Every output row carries {@code org_id, model_version, run_id}; the partition {@code (org_id, model_version)} is
 * replaced as a whole, so a re-run cannot duplicate rows.
 */
public final class AlsJob implements NightlyJob {
    public static final String NAME = "als";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        PlatformConfig config = ctx.config();
        AlsParams params = AlsParams.from(config);
        Preferences preferences = Preferences.from(config);
        int topN = config.getInt(PlatformConfig.ALS_TOP_N);
        boolean excludeHeard = config.getBoolean(PlatformConfig.ALS_EXCLUDE_HEARD);
        int minTracks = config.getInt(PlatformConfig.ALS_MIN_INTERACTIONS);
        DeltaInput interactions = ctx.interactions();
        Dataset<Row> all = preferences.compute(interactions.rows())
                .withColumn("user_tracks", count(lit(1)).over(Window.partitionBy("org_id", "user_id")))
                .filter(col("user_tracks").geq(minTracks))
                .cache();
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> perOrg = new LinkedHashMap<>();
        Map<String, Integer> solvers = new LinkedHashMap<>();
        Map<String, Integer> families = new LinkedHashMap<>();
        NightlyModelChoice choices = NightlyModelChoice.from(config, PlanCatalog.load());
        try {
            List<String> orgs = ctx.orgsWithOwnModel();
            OrgAls.Fitted fitted = OrgAls.from(config, params).fit(all.filter(col("org_id").isin(orgs.toArray())));
            try {
                for (String org : ctx.progress().orgs(fitted.orgs())) {
                    ImplicitAls.Factors factors = fitted.factors(org);
                    long users = factors.users().count();
                    long tracks = factors.tracks().count();
                    String solver = fitted.solver(org).wireName();
                    Map<String, Object> snapshot = ctx.inputSnapshot(interactions);
                    snapshot.put("listeners", users);
                    snapshot.put("tracks", tracks);
                    snapshot.put("preferences", fitted.preferences(org));
                    snapshot.put("solver", solver);
                    // Heard = any event at all, also those whose weights cancel out or weigh nothing (not in prefs).
                    Dataset<Row> orgEvents = interactions.rows().filter(col("org_id").equalTo(org));
                    NightlyModelChoice.Outcome chosen = null;
                    if (fitted.solver(org) == OrgAls.Solver.IN_MEMORY_CG) {
                        chosen = choices.choose(ctx.planOf(org), all.filter(col("org_id").equalTo(org)), orgEvents,
                                ctx.catalogTracks().filter(col("org_id").equalTo(org)), topN, excludeHeard);
                        snapshot.putAll(choices.describe(chosen));
                    } else {
                        snapshot.put("family", NAME);
                    }
                    String family = (String) snapshot.get("family");
                    ModelVersion version = ctx.registry().register(org, NAME, params.asMap(), snapshot);
                    String v = version.version().toString();
                    Map<String, String> partition = Map.of("org_id", org, "model_version", v);
                    outputs.put("user_factors", ctx.tables().replacePartition("user_factors",
                            OfflineTables.versioned(factors.users(), org, v, ctx.runId()), partition));
                    outputs.put("track_factors", ctx.tables().replacePartition("track_factors",
                            OfflineTables.versioned(factors.tracks(), org, v, ctx.runId()), partition));
                    Dataset<Row> recs;
                    if (chosen != null) {
                        recs = chosen.recommendations();
                    } else {
                        Dataset<Row> heard = orgEvents.select("user_id", "track_id").distinct()
                                .groupBy("user_id").agg(collect_list("track_id").as("heard"));
                        Dataset<Row> queries = excludeHeard ? factors.users().join(heard, "user_id") : factors.users();
                        recs = FactorTopK.topK(queries, "user_id", excludeHeard ? "heard" : null,
                                factors.tracks(), "track_id", topN, false);
                    }
                    outputs.put("recommendations", ctx.tables().replacePartition("recommendations",
                            OfflineTables.versioned(recs, org, v, ctx.runId()), partition));
                    versions.put(org, v);
                    solvers.merge(solver, 1, Integer::sum);
                    families.merge(family, 1, Integer::sum);
                    perOrg.put(org, Map.of("version_id", version.id(), "listeners", users, "tracks", tracks,
                            "solver", solver, "family", family, "validation_ndcg",
                            snapshot.getOrDefault("validation_ndcg", Map.of())));
                }
            } finally {
                fitted.unpersist();
            }
        } finally {
            all.unpersist();
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("orgs", versions.size());
        figures.put("rank", params.rank());
        figures.put("iterations", params.iterations());
        figures.put("solvers", solvers);
        figures.put("families", families);
        figures.put("per_org", perOrg);
        return new JobResult(NAME, ctx.runId(), versions, Map.of(interactions.table(), interactions.version()), outputs,
                figures, (System.nanoTime() - start) / 1_000_000);
    }
}
