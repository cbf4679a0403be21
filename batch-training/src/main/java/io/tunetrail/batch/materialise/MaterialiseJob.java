package io.tunetrail.batch.materialise;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import io.tunetrail.batch.als.AlsJob;
import io.tunetrail.batch.analytics.AnalyticsJobs;
import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.ModelLabel;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.similarity.TrackSimilarityJob;
import io.tunetrail.batch.similarity.UserSimilarityJob;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.ModelCanaries;
import io.tunetrail.store.registry.ModelRetention;
import io.tunetrail.store.registry.ModelSwitch;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.ModelWatcher;
import io.tunetrail.store.registry.Promotion;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code materialise} job: moves each org's newest versions from Delta to the stores the API reads, then asks the
 * registry to promote them, and points readers at whatever version is active afterwards.
 *
 * <ul>
 *   <li>{@code als} → Redis {@code user_recommendations} (top-N per listener);</li>
 *   <li>{@code track-similarity} → PostgreSQL {@code track_similarities} and Redis {@code similar_tracks};</li>
 *   <li>{@code user-similarity} → PostgreSQL {@code user_similarities}.</li>
 * </ul>
 *
 * <p>Order per version, so a reader never sees half of one: (1) write every row of the candidate (Redis: under its
 * version key, which nobody reads yet; PostgreSQL: delete-then-insert of the version's rows in one transaction, rows
 * that no reader joins to yet), (2) {@code promote} in the registry (plan policy, pin, freeze decide), (3) flip the
 * Redis pointer to the active version with one {@code SET}. When the active version is not the candidate (a pinned,
 * frozen or {@code allow_minor}-held org), its Redis rows are written again from Delta first, so they do not expire
 * under the org (Redis rows have a TTL). Last, the retention rule prunes retired versions' rows from PostgreSQL and
 * Redis, keeping the active, the pinned and {@code batch.retention.keep-retired} versions for rollback
 * ({@link ModelRetention}). Re-running is harmless: rows are rewritten with the same content, a version
 * already promoted is not promoted again, the pointer is set to the same value.
 */
public final class MaterialiseJob implements NightlyJob {
    public static final String NAME = "materialise";
    private static final int REDIS_BATCH = 1_000;
    /** The lineages whose retired versions' rows the retention rule prunes (audio-embeddings keeps one row per track). */
    private static final List<String> PRUNED_LINEAGES = List.of(AlsJob.NAME, TrackSimilarityJob.NAME, UserSimilarityJob.NAME,
            AnalyticsJobs.GENRE_CORRELATIONS, AnalyticsJobs.TEMPORAL_PATTERNS, AnalyticsJobs.CONTEXT_CORRELATIONS);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        DeltaInput recs = ctx.tables().read("recommendations", "run the als job first");
        DeltaInput trackSim = ctx.tables().read("track_similarity", "run the track-similarity job first");
        DeltaInput userSim = ctx.tables().read("user_similarity", "run the user-similarity job first");
        PostgresSimilarities pg = new PostgresSimilarities(ctx.dataSource());
        Map<String, String> active = new LinkedHashMap<>();
        Map<String, Object> perOrg = new LinkedHashMap<>();
        for (String org : ctx.progress().orgs(ctx.orgs())) {
            Map<String, Object> done = new LinkedHashMap<>();

            // A community org's lists come from the global model (written under its keys as global-X.Y).
            ModelVersion als = ctx.alsVersion(org);
            long users = toRedis(ctx, org, FeatureViews.USER_RECOMMENDATIONS, recs, "user_id", "track_id", als);
            ModelVersion alsActive = promote(ctx, org, als, FeatureViews.USER_RECOMMENDATIONS, recs, "user_id", "track_id", done);
            done.put("recommendation_rows", users);

            ModelVersion tracks = ctx.newestVersion(org, TrackSimilarityJob.NAME);
            done.put("track_similarity_rows", pg.writeTracks(org, tracks.id(), partition(trackSim, org, tracks)));
            done.put("similar_tracks_rows", toRedis(ctx, org, FeatureViews.SIMILAR_TRACKS, trackSim, "track_id",
                    "similar_track_id", tracks));
            promote(ctx, org, tracks, FeatureViews.SIMILAR_TRACKS, trackSim, "track_id", "similar_track_id", done);

            ModelVersion listeners = ctx.newestVersion(org, UserSimilarityJob.NAME);
            done.put("user_similarity_rows", pg.writeUsers(org, listeners.id(), partition(userSim, org, listeners)));
            promote(ctx, org, listeners, null, null, null, null, done);

            active.put(org, alsActive == null ? "" : ModelLabel.of(alsActive));
            done.put("pruned", prune(ctx, org, List.of(org)));
            perOrg.put(org, done);
        }
        if (!ctx.orgFilter().isPresent() && !ctx.communityOrgs().isEmpty()) {
            perOrg.put("global", Map.of("pruned", prune(ctx, null, ctx.communityOrgs())));
        }
        return new JobResult(NAME, ctx.runId(), active,
                Map.of(recs.table(), recs.version(), trackSim.table(), trackSim.version(), userSim.table(), userSim.version()),
                Map.of(), Map.of("orgs", active.size(), "per_org", perOrg), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Promotes the candidate (if still one) and points the org's {@code view} at the active version; returns the active
     * one. A global candidate is promoted by the first community org that meets it ({@code latest}: the registry applies
     * no org policy to global versions); the others find it active.
     */
    private ModelVersion promote(NightlyContext ctx, String org, ModelVersion candidate, FeatureView view, DeltaInput rows,
            String entity, String item, Map<String, Object> done) {
        ModelVersion active;
        String reason;
        if (candidate.status() == ModelVersion.Status.CANDIDATE) {
            // On a plan with a canary the candidate starts one instead (its rows, written above, serve the share).
            Promotion p = new ModelCanaries(ctx.dataSource(), ctx.registry(), new ModelSwitch(ctx.dataSource(), ctx.registry(),
                    ctx.onlineStore()), ctx.onlineStore(), java.time.Clock.systemUTC(), ModelCanaries.MIN_JUDGED).promoteOrStart(candidate.id());
            // A pinned org keeps its version; the watcher notes the newer one for the API to announce to its admins.
            new ModelWatcher(ctx.dataSource(), ctx.registry()).watch(p);
            active = p.active();
            reason = p.reason();
        } else {
            active = (candidate.isGlobal() ? ctx.registry().activeGlobal(candidate.algorithm())
                    : ctx.registry().active(org, candidate.algorithm())).orElse(null);
            reason = "already " + candidate.status().name().toLowerCase(java.util.Locale.ROOT);
        }
        done.put(candidate.algorithm(), Map.of("candidate", ModelLabel.of(candidate),
                "active", active == null ? "" : ModelLabel.of(active), "decision", reason));
        if (view != null && active != null) {
            if (active.id() != candidate.id()) {
                // Keep the held version readable: its rows were written by an earlier run and expire with their TTL.
                toRedis(ctx, org, view, rows, entity, item, active);
            }
            ctx.onlineStore().activateVersion(org, view, ModelLabel.of(active));
        }
        return active;
    }

    /**
     * Applies the retention rule ({@link ModelRetention}, {@code batch.retention.keep-retired}) to every lineage of
     * {@code org} (null: the global one) now that promotion is done, and deletes the pruned versions' Redis rows from
     * the orgs that were served by them. Returns the labels pruned per algorithm.
     */
    private static Map<String, List<String>> prune(NightlyContext ctx, String org, List<String> servedOrgs) {
        int keep = ctx.config().getInt(PlatformConfig.RETENTION_KEEP_RETIRED);
        ModelRetention retention = new ModelRetention(ctx.dataSource());
        Map<String, List<String>> pruned = new LinkedHashMap<>();
        for (String algorithm : org == null ? List.of(AlsJob.NAME) : PRUNED_LINEAGES) {
            List<String> labels = new ArrayList<>();
            for (ModelVersion v : retention.prune(org, algorithm, keep)) {
                String label = ModelLabel.of(v);
                FeatureView view = FeatureViews.servingView(algorithm).orElse(null);
                for (String served : view == null ? List.<String>of() : servedOrgs) {
                    // The pointer names an active version, never a pruned one; the check guards a pointer left behind.
                    if (!ctx.onlineStore().activeVersion(served, view).filter(label::equals).isPresent()) {
                        ctx.onlineStore().deleteVersion(served, view, label);
                    }
                }
                labels.add(label);
            }
            if (!labels.isEmpty()) {
                pruned.put(algorithm, labels);
            }
        }
        return pruned;
    }

    private static Dataset<Row> partition(DeltaInput table, String org, ModelVersion version) {
        return table.rows().filter(col("org_id").equalTo(org).and(col("model_version").equalTo(ModelLabel.of(version))));
    }

    /** Writes one list per entity ({@code track_ids}, {@code scores}, {@code model_version}) under the version. */
    private static long toRedis(NightlyContext ctx, String org, FeatureView view, DeltaInput table, String entity,
            String item, ModelVersion version) {
        String v = ModelLabel.of(version);
        Dataset<Row> lists = partition(table, org, version)
                .groupBy(entity)
                .agg(sort_array(collect_list(struct(col("rank"), col(item).as("item"), col("score")))).as("ranked"));
        long written = 0;
        List<FeatureRow> batch = new ArrayList<>(REDIS_BATCH);
        // Streams one partition at a time to the driver: memory stays bounded whatever the number of listeners.
        for (Iterator<Row> it = lists.toLocalIterator(); it.hasNext(); ) {
            Row r = it.next();
            List<String> ids = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            for (Row e : r.<Row>getList(1)) {
                ids.add(e.getString(1));
                scores.add(e.getDouble(2));
            }
            batch.add(new FeatureRow(r.getString(0), Map.of("track_ids", ids, "scores", scores,
                    FeatureView.MODEL_VERSION, v)));
            if (batch.size() == REDIS_BATCH) {
                written += ctx.onlineStore().writeBatch(org, view, v, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            written += ctx.onlineStore().writeBatch(org, view, v, batch);
        }
        return written;
    }

}
