package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;

import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.ModelLabel;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.ModelVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The {@code als-global} job: one implicit-ALS model for the community edition, fitted once over the preferences of
 * every community-edition org ({@code organisations.edition = 'community'}) and registered as a global version
 * ({@code model_versions.org_id} null, algorithm {@code als}). Community orgs get no ALS model of their own
 * ({@link AlsJob} skips them); the similarity, evaluate and materialise jobs use this model's rows for them
 * ({@link NightlyContext#alsVersion}).
 *
 * <p>Catalogs are per org (PostgreSQL keys every track by {@code (org_id, track_id)}; the generator and importers reuse
 * ids like {@code tr-000001} in every org for different songs), so nothing identifies one track across orgs. The model
 * therefore keys listeners and tracks by org and id: one shared factor space and one fit, but an org's listeners are
 * ranked only against that org's own tracks, so no response can contain another org's track or be shaped by another
 * org's listener-track pairs directly. (Implicit ALS does share one Gram matrix over all tracks, so other orgs'
 * catalogs act as a weak common prior on the factors; that is the only coupling.) One fit for all small community orgs
 * instead of one each is what makes the free edition cheap to serve nightly.
 *
 * <p>Output rows go to the same tables as {@link AlsJob}'s, under each community org's partition with model version
 * {@code global-MAJOR.MINOR} ({@link ModelLabel}). Skipped when the run is limited to one org ({@code --org}): a
 * global model fitted on one org's data would replace everybody's.
 */
public final class GlobalAlsJob implements NightlyJob {
    public static final String NAME = "als-global";
    // Ids match [A-Za-z0-9][A-Za-z0-9._:@/-]* (schemas/*.schema.json): a space can never be part of one.
    private static final String SEPARATOR = " ";
    // The one "org" of the fit: every community org's preferences together.
    private static final String GLOBAL = "global";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        DeltaInput interactions = ctx.interactions();
        if (ctx.orgFilter().isPresent()) {
            return skipped(ctx, interactions, start, "the run is limited to org " + ctx.orgFilter().get()
                    + "; the global model is fitted on all community orgs together (run it without --org)");
        }
        List<String> community = ctx.communityOrgs();
        if (community.isEmpty()) {
            return skipped(ctx, interactions, start, "no community-edition org has interactions");
        }
        PlatformConfig config = ctx.config();
        AlsParams params = AlsParams.from(config);
        int topN = config.getInt(PlatformConfig.ALS_TOP_N);
        boolean excludeHeard = config.getBoolean(PlatformConfig.ALS_EXCLUDE_HEARD);
        int minTracks = config.getInt(PlatformConfig.ALS_MIN_INTERACTIONS);
        Dataset<Row> prefs = Preferences.from(config).compute(interactions.rows().filter(col("org_id").isin(community.toArray())))
                .withColumn("user_tracks", count(lit(1)).over(Window.partitionBy("org_id", "user_id")))
                .filter(col("user_tracks").geq(minTracks))
                .select(lit(GLOBAL).as("org_id"), key("user_id").as("user_id"), key("track_id").as("track_id"),
                        col(Preferences.PREFERENCE));
        OrgAls.Fitted fitted = OrgAls.from(config, params).fit(prefs);
        ImplicitAls.Factors factors = fitted.factors(GLOBAL);
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> perOrg = new LinkedHashMap<>();
        ModelVersion version;
        try {
            Dataset<Row> users = unkey(factors.users(), "user_id").cache();
            Dataset<Row> tracks = unkey(factors.tracks(), "track_id").cache();
            try {
                Map<String, Object> snapshot = ctx.inputSnapshot(interactions);
                snapshot.put("orgs", community);
                snapshot.put("listeners", users.count());
                snapshot.put("tracks", tracks.count());
                snapshot.put("preferences", fitted.preferences(GLOBAL));
                snapshot.put("solver", fitted.solver(GLOBAL).wireName());
                Map<String, Object> recorded = new LinkedHashMap<>(params.asMap());
                recorded.put("scope", "community-edition orgs, keyed per org");
                version = ctx.registry().register(null, AlsJob.NAME, recorded, snapshot);
                String label = ModelLabel.of(version);
                for (String org : ctx.progress().orgs(community)) {
                    Dataset<Row> orgUsers = users.filter(col("org_id").equalTo(org)).select("user_id", "features");
                    Dataset<Row> orgTracks = tracks.filter(col("org_id").equalTo(org)).select("track_id", "features");
                    Map<String, String> partition = Map.of("org_id", org, "model_version", label);
                    outputs.put("user_factors", ctx.tables().replacePartition("user_factors",
                            OfflineTables.versioned(orgUsers, org, label, ctx.runId()), partition));
                    outputs.put("track_factors", ctx.tables().replacePartition("track_factors",
                            OfflineTables.versioned(orgTracks, org, label, ctx.runId()), partition));
                    Dataset<Row> heard = interactions.rows().filter(col("org_id").equalTo(org))
                            .select("user_id", "track_id").distinct()
                            .groupBy("user_id").agg(collect_list("track_id").as("heard"));
                    Dataset<Row> queries = excludeHeard ? orgUsers.join(heard, "user_id") : orgUsers;
                    // The candidates are this org's tracks only: the line that keeps other catalogs out of its lists.
                    Dataset<Row> recs = FactorTopK.topK(queries, "user_id", excludeHeard ? "heard" : null, orgTracks,
                            "track_id", topN, false);
                    outputs.put("recommendations", ctx.tables().replacePartition("recommendations",
                            OfflineTables.versioned(recs, org, label, ctx.runId()), partition));
                    versions.put(org, label);
                    perOrg.put(org, Map.of("listeners", orgUsers.count(), "tracks", orgTracks.count()));
                }
            } finally {
                users.unpersist();
                tracks.unpersist();
            }
        } finally {
            fitted.unpersist();
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("version_id", version.id());
        figures.put("version", ModelLabel.of(version));
        figures.put("orgs", community.size());
        figures.put("solver", version.inputSnapshot().get("solver"));
        figures.put("per_org", perOrg);
        return new JobResult(NAME, ctx.runId(), versions, Map.of(interactions.table(), interactions.version()), outputs,
                figures, (System.nanoTime() - start) / 1_000_000);
    }

    private static Column key(String id) {
        return concat(col("org_id"), lit(SEPARATOR), col(id));
    }

    /** {@code org_id, <id>, features} back from the model's {@code "org id"} keys. */
    private static Dataset<Row> unkey(Dataset<Row> factors, String id) {
        Column key = col(id);
        return factors.select(substring_index(key, SEPARATOR, 1).as("org_id"),
                org.apache.spark.sql.functions.expr("substring(" + id + ", instr(" + id + ", ' ') + 1)").as(id),
                col("features"));
    }

    private static JobResult skipped(NightlyContext ctx, DeltaInput interactions, long start, String why) {
        return new JobResult(NAME, ctx.runId(), Map.of(), Map.of(interactions.table(), interactions.version()), Map.of(),
                Map.of("skipped", why), (System.nanoTime() - start) / 1_000_000);
    }
}
