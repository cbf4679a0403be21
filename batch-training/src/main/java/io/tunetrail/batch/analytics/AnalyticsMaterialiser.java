package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.Promotion;
import io.tunetrail.store.vector.TrackEmbedding;
import io.tunetrail.store.vector.TrackEmbeddingSources;
import io.tunetrail.store.vector.VectorStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an analytics job's outputs to the offline store and PostgreSQL under a new model version per org, and
 * promotes it: the part the four analytics jobs share.
 *
 * <p>Per job: the outputs are computed once (cached); every org PostgreSQL knows gets a candidate version in the
 * registry; each Delta table is written in one commit with {@code org_id, model_version, run_id} first on every row,
 * partitioned by {@code (org_id, model_version)} and replacing exactly the partitions written (a re-run of a
 * version cannot duplicate rows); then per org its rows are read back from Delta, copied into PostgreSQL in one
 * transaction ({@link PostgresAnalyticsPublisher}) and the version is promoted under the org's policy. Readers of the
 * active version never see half of one. Orgs PostgreSQL does not know are left out (their rows could not be stored
 * there nor versioned) and named in the result.
 */
final class AnalyticsMaterialiser {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsMaterialiser.class);

    /** What a materialisation did: each org's version, the Delta versions written, per-org figures. */
    record Outcome(Map<String, String> versions, Map<String, Long> outputVersions, Map<String, Object> perOrg,
                   List<String> orgsNotInPostgres, Map<String, Object> figures) {}

    private final NightlyContext ctx;
    private final boolean readsInteractions;
    private final PostgresAnalyticsPublisher publisher;
    private final OfflineStoreLayout layout = OfflineStoreLayout.load();

    /** @param readsInteractions whether the job read the interactions (recorded as its input) or the catalog only */
    AnalyticsMaterialiser(NightlyContext ctx, boolean readsInteractions) {
        this.ctx = ctx;
        this.readsInteractions = readsInteractions;
        this.publisher = new PostgresAnalyticsPublisher(ctx.dataSource(), ctx.registry());
    }

    /**
     * @param tables outputs that go to Delta and PostgreSQL
     * @param deltaOnly outputs that go to Delta only, by table name
     */
    Outcome materialise(String algorithm, Map<String, Object> params, Map<AnalyticsTable, Dataset<Row>> tables,
                        Map<String, Dataset<Row>> deltaOnly) {
        List<Dataset<Row>> cached = Stream.concat(tables.values().stream(), deltaOnly.values().stream())
                .map(d -> d.persist(StorageLevel.MEMORY_AND_DISK())).toList();
        try {
            Set<String> orgs = new TreeSet<>();
            for (Set<String> some : inParallel(tables.values().stream().map(d -> (Callable<Set<String>>) () -> orgsOf(d)).toList())) {
                orgs.addAll(some);
            }
            Map<String, ModelVersion> versions = register(algorithm, params, orgs);
            Map<String, Dataset<Row>> outputs = new LinkedHashMap<>();
            tables.forEach((t, rows) -> outputs.put(t.deltaTable(), rows));
            outputs.putAll(deltaOnly);
            List<String> names = List.copyOf(outputs.keySet());
            List<Long> written = inParallel(names.stream()
                    .map(t -> (Callable<Long>) () -> writeDelta(t, outputs.get(t), versions)).toList());
            Map<String, Long> outputVersions = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                outputVersions.put(names.get(i), written.get(i));
            }
            Map<String, Object> perOrg = new LinkedHashMap<>();
            versions.forEach((org, v) -> {
                Map<AnalyticsTable, Iterator<Row>> rows = new LinkedHashMap<>();
                for (AnalyticsTable t : tables.keySet()) {
                    rows.put(t, readBack(t.deltaTable(), org, v).toLocalIterator());
                }
                Map<String, Long> counts = publisher.writeRows(v, rows);
                Map<String, Object> o = outcome(publisher.promote(v));
                o.put("rows", counts);
                perOrg.put(org, o);
            });
            return new Outcome(names(versions), outputVersions, perOrg, unknown(orgs, versions), Map.of());
        } finally {
            cached.forEach(Dataset::unpersist);
        }
    }

    /** Audio embeddings: Delta {@code audio_embeddings}, then per org pgvector ({@code track_embeddings}). */
    Outcome embeddings(AudioEmbeddings.Result result, Map<String, Object> params, VectorStore vectors, TrackEmbeddingSources sources) {
        Dataset<Row> embeddings = result.embeddings().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Set<String> orgs = orgsOf(embeddings);
            Map<String, ModelVersion> versions = register(AnalyticsJobs.AUDIO_EMBEDDINGS, params, orgs);
            Map<String, Long> outputVersions = Map.of("audio_embeddings", writeDelta("audio_embeddings", embeddings, versions));
            Map<String, Object> perOrg = new LinkedHashMap<>();
            long written = 0;
            long nanos = 0;
            for (Map.Entry<String, ModelVersion> e : versions.entrySet()) {
                String org = e.getKey();
                ModelVersion v = e.getValue();
                List<TrackEmbedding> list = new ArrayList<>();
                List<TrackEmbeddingSources.Source> from = new ArrayList<>();
                for (Row r : readBack("audio_embeddings", org, v).select("track_id", "embedding", "source", "analyser_version")
                        .collectAsList()) {
                    List<Float> vector = r.getList(1);
                    float[] f = new float[vector.size()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = vector.get(i);
                    }
                    list.add(new TrackEmbedding(r.getString(0), f, v.version().toString()));
                    from.add(new TrackEmbeddingSources.Source(r.getString(0), r.getString(2), r.getString(3)));
                }
                long t0 = System.nanoTime();
                int changed = vectors.upsert(org, list);
                sources.record(org, from);
                long took = System.nanoTime() - t0;
                nanos += took;
                written += list.size();
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("tracks", list.size());
                metrics.put("from_audio_analysis", from.stream().filter(x -> TrackEmbeddingSources.AUDIO_ANALYSIS.equals(x.source())).count());
                metrics.put("explained_variance", result.explainedVariance().getOrDefault(org, 0.0));
                metrics.put("zero_vectors_left_out", result.zeroVectors().getOrDefault(org, 0L));
                publisher.recordMetrics(v, metrics);
                Map<String, Object> o = outcome(publisher.promote(v));
                o.putAll(metrics);
                o.put("rows_changed", changed);
                o.put("pgvector_ms", took / 1_000_000);
                perOrg.put(org, o);
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("embeddings_written", written);
            figures.put("pgvector_seconds", Math.round(nanos / 1e7) / 100.0);
            figures.put("pgvector_rows_per_second", nanos == 0 ? 0 : Math.round(written / (nanos / 1e9)));
            return new Outcome(names(versions), outputVersions, perOrg, unknown(orgs, versions), figures);
        } finally {
            embeddings.unpersist();
        }
    }

    /** The job's result, in the chain's terms. */
    JobResult result(String job, Outcome o, Map<String, Object> figures, long startNanos) {
        Map<String, Object> all = new LinkedHashMap<>(figures);
        all.putAll(o.figures());
        all.put("orgs", o.versions().size());
        all.put("per_org", o.perOrg());
        if (!o.orgsNotInPostgres().isEmpty()) {
            all.put("orgs_not_in_postgres", o.orgsNotInPostgres());
        }
        Map<String, Long> inputs = readsInteractions
                ? Map.of(ctx.interactions().table(), ctx.interactions().version()) : Map.of();
        return new JobResult(job, ctx.runId(), o.versions(), inputs, o.outputVersions(), all,
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    private Map<String, ModelVersion> register(String algorithm, Map<String, Object> params, Set<String> orgs) {
        Set<String> known = publisher.knownOrgs();
        Map<String, Object> snapshot = readsInteractions ? ctx.inputSnapshot(ctx.interactions()) : ctx.inputSnapshot();
        // The catalog is read from PostgreSQL as it is at the start of the run (no Delta version to record).
        snapshot.put("catalog", "postgres");
        Map<String, ModelVersion> versions = new LinkedHashMap<>();
        for (String org : orgs) {
            if (known.contains(org)) {
                versions.put(org, publisher.register(org, algorithm, params, snapshot));
            } else {
                LOG.warn("{}: org {} is not in PostgreSQL; it gets no version and no rows", algorithm, org);
            }
        }
        return versions;
    }

    /** Writes one output table's rows of this run in one commit; returns the table's new Delta version. */
    private long writeDelta(String table, Dataset<Row> rows, Map<String, ModelVersion> versions) {
        OfflineStoreLayout.Table t = layout.table(table);
        StructType schema = new StructType().add("org_id", DataTypes.StringType).add("model_version", DataTypes.StringType);
        List<Row> versionRows = versions.entrySet().stream()
                .map(e -> RowFactory.create(e.getKey(), e.getValue().version().toString())).toList();
        Dataset<Row> tagged = rows.join(broadcast(ctx.spark().createDataFrame(versionRows, schema)), "org_id")
                .withColumn("run_id", lit(ctx.runId()));
        List<Column> order = new ArrayList<>(List.of(col("org_id"), col("model_version"), col("run_id")));
        for (String c : rows.columns()) {
            if (!c.equals("org_id")) {
                order.add(col(c));
            }
        }
        tagged.select(order.toArray(new Column[0])).write().format("delta").mode(SaveMode.Overwrite)
                // Replace only the (org_id, model_version) partitions this write holds: other versions stay.
                .option("partitionOverwriteMode", "dynamic")
                // Columns added since a table was created (audio_embeddings' source) join it instead of failing the write.
                .option("mergeSchema", "true")
                .partitionBy(t.partitionBy().toArray(new String[0]))
                .save(ctx.tables().location(table));
        return ctx.tables().version(table);
    }

    /**
     * Runs independent Spark actions (one table each) on a bounded pool, results in the order given. Each table's jobs
     * are small at nightly sizes, so one after another they leave the executor's cores idle between stages and while a
     * Delta commit is written; at once they fill them. Pool threads inherit the caller's Spark local properties (the
     * cost meter's tag, a training request's job group), because they are created here, after those were set.
     */
    private <T> List<T> inParallel(List<Callable<T>> actions) {
        int threads = Math.max(1, Math.min(actions.size(), ctx.config().getInt(PlatformConfig.BATCH_PARALLEL_TABLES)));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = actions.stream().map(pool::submit).toList();
            List<T> out = new ArrayList<>();
            RuntimeException failed = null;
            // Every action is waited for, even after one failed: none may still write once the caller unpersists.
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException(e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the analytics tables were written", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private Dataset<Row> readBack(String table, String org, ModelVersion v) {
        return ctx.spark().read().format("delta").load(ctx.tables().location(table))
                .filter(col("org_id").equalTo(org).and(col("model_version").equalTo(v.version().toString())));
    }

    private static Set<String> orgsOf(Dataset<Row> rows) {
        return new TreeSet<>(rows.select("org_id").distinct().as(Encoders.STRING()).collectAsList());
    }

    private static Map<String, String> names(Map<String, ModelVersion> versions) {
        Map<String, String> out = new LinkedHashMap<>();
        versions.forEach((org, v) -> out.put(org, v.version().toString()));
        return out;
    }

    private static List<String> unknown(Set<String> orgs, Map<String, ModelVersion> versions) {
        return orgs.stream().filter(o -> !versions.containsKey(o)).toList();
    }

    private static Map<String, Object> outcome(Promotion p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("version", p.candidate().version().toString());
        o.put("model_version_id", p.candidate().id());
        o.put("promoted", p.promoted());
        if (!p.promoted()) {
            o.put("reason", p.reason());
        }
        return o;
    }
}
