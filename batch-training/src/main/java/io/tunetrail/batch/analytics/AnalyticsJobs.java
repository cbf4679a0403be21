package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.Promotion;
import io.tunetrail.store.vector.TrackEmbedding;
import io.tunetrail.store.vector.VectorStore;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the analytics jobs end to end: compute from the pinned inputs, write the Delta outputs, materialise them in
 * PostgreSQL under a new model version per org, and promote it.
 *
 * <p>Order per job: the outputs are computed once (cached); each org PostgreSQL knows gets a candidate version in the
 * registry; the Delta tables are written with {@code run_id}, {@code run_date}, {@code model_version},
 * {@code model_version_id} and {@code input_versions} on every row (dynamic partition overwrite: a rerun on the same
 * day replaces that day's partitions of the orgs it covers, and nothing else); then per org the rows are read back
 * from Delta, copied into PostgreSQL in one transaction and the version is promoted. Orgs that PostgreSQL does not
 * know get Delta rows without a model version and nothing in PostgreSQL; the report names them.
 *
 * <p>Each method returns a report (a JSON-ready map) with per-org versions and promotion outcomes, row counts and
 * seconds.
 */
public final class AnalyticsJobs {
    /** The job names, as {@code BatchJobsMain --job} and the registry's {@code algorithm} know them. */
    public static final String GENRE_CORRELATIONS = "genre-correlations";
    public static final String TEMPORAL_PATTERNS = "temporal-patterns";
    public static final String CONTEXT_CORRELATIONS = "context-correlations";
    public static final String AUDIO_EMBEDDINGS = "audio-embeddings";
    public static final List<String> NAMES = List.of(GENRE_CORRELATIONS, TEMPORAL_PATTERNS, CONTEXT_CORRELATIONS, AUDIO_EMBEDDINGS);

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession spark;
    private final String storeRoot;
    private final AnalyticsSettings settings;
    private final PostgresAnalyticsPublisher publisher;
    private final VectorStore vectors;
    private final OfflineStoreLayout layout = OfflineStoreLayout.load();

    public AnalyticsJobs(SparkSession spark, String storeRoot, AnalyticsSettings settings,
                         PostgresAnalyticsPublisher publisher, VectorStore vectors) {
        this.spark = spark;
        this.storeRoot = storeRoot;
        this.settings = settings;
        this.publisher = publisher;
        this.vectors = vectors;
    }

    /** Runs the job of this name; fails listing the names for an unknown one. */
    public Map<String, Object> run(String job, AnalyticsRun run, AnalyticsInputs inputs) {
        return switch (job) {
            case GENRE_CORRELATIONS -> genreCorrelations(run, inputs);
            case TEMPORAL_PATTERNS -> temporalPatterns(run, inputs);
            case CONTEXT_CORRELATIONS -> contextCorrelations(run, inputs);
            case AUDIO_EMBEDDINGS -> audioEmbeddings(run, inputs);
            default -> throw new IllegalArgumentException("no analytics job '" + job + "'; known: " + String.join(", ", NAMES));
        };
    }

    public Map<String, Object> genreCorrelations(AnalyticsRun run, AnalyticsInputs in) {
        Dataset<Row> pairs = new GenreCorrelations(settings).compute(in.interactions(), in.catalogTracks());
        return materialise(GENRE_CORRELATIONS, run, in, Map.of("min_pair_baskets", settings.minPairBaskets(),
                        "session_gap_minutes", settings.sessionGapMinutes(), "genre_level", "top"),
                Map.of(AnalyticsTable.GENRE_CORRELATIONS, pairs), List.of());
    }

    public Map<String, Object> temporalPatterns(AnalyticsRun run, AnalyticsInputs in) {
        TemporalPatterns.Result r = new TemporalPatterns().compute(in.interactions(), in.catalogTracks());
        Map<AnalyticsTable, Dataset<Row>> tables = new LinkedHashMap<>();
        tables.put(AnalyticsTable.TEMPORAL_PATTERNS, r.profiles());
        tables.put(AnalyticsTable.MONTHLY_TRENDS, r.monthly());
        return materialise(TEMPORAL_PATTERNS, run, in, Map.of("time_zone", "UTC", "peaks", TemporalPatterns.PEAKS),
                tables, List.of(new DeltaOnly("peak_hours", r.peaks())));
    }

    public Map<String, Object> contextCorrelations(AnalyticsRun run, AnalyticsInputs in) {
        Dataset<Row> rows = new ContextCorrelations(settings).compute(in.interactions(), in.catalogTracks());
        Map<String, Object> report = materialise(CONTEXT_CORRELATIONS, run, in, Map.of("min_plays", settings.minActivityPlays(),
                "min_effect", settings.minEffect(), "features", ContextCorrelations.FEATURES), Map.of(AnalyticsTable.CONTEXT_CORRELATIONS, rows), List.of());
        report.put("findings", rows.filter(col("finding")).count());
        return report;
    }

    public Map<String, Object> audioEmbeddings(AnalyticsRun run, AnalyticsInputs in) {
        long start = System.nanoTime();
        AudioEmbeddings.Result result = new AudioEmbeddings(settings).compute(in.catalogTracks());
        Dataset<Row> embeddings = result.embeddings().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<String, Object> params = Map.of("dimension", settings.embeddingDimension(), "genre_weight",
                    settings.genreWeight(), "features", AudioEmbeddings.AUDIO, "projection", "pca");
            Map<String, ModelVersion> versions = register(AUDIO_EMBEDDINGS, run, in, params, orgsOf(embeddings));
            long version = writeDelta("audio_embeddings", embeddings, run, in, versions);
            Map<String, Object> orgs = new LinkedHashMap<>();
            long written = 0;
            long writeNanos = 0;
            for (Map.Entry<String, ModelVersion> e : versions.entrySet()) {
                String org = e.getKey();
                ModelVersion v = e.getValue();
                List<TrackEmbedding> list = new ArrayList<>();
                for (Row r : readBack("audio_embeddings", org, v).collectAsList()) {
                    List<Float> vector = r.getList(r.fieldIndex("embedding"));
                    float[] f = new float[vector.size()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = vector.get(i);
                    }
                    list.add(new TrackEmbedding(r.getAs("track_id"), f, v.version().toString()));
                }
                long t0 = System.nanoTime();
                int changed = vectors.upsert(org, list);
                writeNanos += System.nanoTime() - t0;
                written += list.size();
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("tracks", list.size());
                metrics.put("explained_variance", result.explainedVariance().getOrDefault(org, 0.0));
                metrics.put("zero_vectors_left_out", result.zeroVectors().getOrDefault(org, 0L));
                publisher.recordMetrics(v, metrics);
                Map<String, Object> o = outcome(publisher.promote(v));
                o.put("tracks", list.size());
                o.put("rows_changed", changed);
                orgs.put(org, o);
            }
            Map<String, Object> report = report(AUDIO_EMBEDDINGS, run, in, start);
            report.put("delta_version", version);
            report.put("orgs", orgs);
            report.put("embeddings_written", written);
            report.put("pgvector_seconds", writeNanos / 1e9);
            report.put("pgvector_rows_per_second", writeNanos == 0 ? 0 : Math.round(written / (writeNanos / 1e9)));
            report.put("explained_variance", result.explainedVariance());
            return report;
        } finally {
            embeddings.unpersist();
        }
    }

    /** An output that goes to Delta only (no PostgreSQL table reads it). */
    private record DeltaOnly(String table, Dataset<Row> rows) {}

    private Map<String, Object> materialise(String algorithm, AnalyticsRun run, AnalyticsInputs in, Map<String, Object> params,
                                            Map<AnalyticsTable, Dataset<Row>> tables, List<DeltaOnly> deltaOnly) {
        long start = System.nanoTime();
        List<Dataset<Row>> cached = new ArrayList<>();
        try {
            Set<String> orgs = new TreeSet<>();
            for (Dataset<Row> d : tables.values()) {
                Dataset<Row> c = d.persist(StorageLevel.MEMORY_AND_DISK());
                cached.add(c);
                orgs.addAll(orgsOf(c));
            }
            Map<String, ModelVersion> versions = register(algorithm, run, in, params, orgs);
            Map<String, Object> deltaVersions = new LinkedHashMap<>();
            for (Map.Entry<AnalyticsTable, Dataset<Row>> e : tables.entrySet()) {
                deltaVersions.put(e.getKey().deltaTable(), writeDelta(e.getKey().deltaTable(), e.getValue(), run, in, versions));
            }
            for (DeltaOnly d : deltaOnly) {
                deltaVersions.put(d.table(), writeDelta(d.table(), d.rows(), run, in, versions));
            }
            Map<String, Object> perOrg = new LinkedHashMap<>();
            for (Map.Entry<String, ModelVersion> e : versions.entrySet()) {
                ModelVersion v = e.getValue();
                Map<AnalyticsTable, Iterator<Row>> rows = new LinkedHashMap<>();
                for (AnalyticsTable t : tables.keySet()) {
                    rows.put(t, readBack(t.deltaTable(), e.getKey(), v).toLocalIterator());
                }
                Map<String, Long> counts = publisher.writeRows(v, rows);
                Map<String, Object> o = outcome(publisher.promote(v));
                o.put("rows", counts);
                perOrg.put(e.getKey(), o);
            }
            Map<String, Object> report = report(algorithm, run, in, start);
            report.put("delta_versions", deltaVersions);
            report.put("orgs", perOrg);
            List<String> unknown = orgs.stream().filter(o -> !versions.containsKey(o)).toList();
            if (!unknown.isEmpty()) {
                report.put("orgs_not_in_postgres", unknown);
            }
            return report;
        } finally {
            cached.forEach(Dataset::unpersist);
        }
    }

    private Map<String, ModelVersion> register(String algorithm, AnalyticsRun run, AnalyticsInputs in,
                                               Map<String, Object> params, Set<String> orgs) {
        Set<String> known = publisher.knownOrgs();
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("run_id", run.runId());
        snapshot.put("run_date", run.runDate().toString());
        snapshot.put("delta_versions", in.versions());
        Map<String, ModelVersion> versions = new LinkedHashMap<>();
        for (String org : orgs) {
            if (known.contains(org)) {
                versions.put(org, publisher.register(org, algorithm, params, snapshot));
            } else {
                LOG.warn("{}: org {} is not in PostgreSQL; its rows go to Delta only", algorithm, org);
            }
        }
        return versions;
    }

    private static Set<String> orgsOf(Dataset<Row> rows) {
        return new TreeSet<>(rows.select("org_id").distinct().as(Encoders.STRING()).collectAsList());
    }

    /** Writes one output table's rows of this run; returns the table's new Delta version. */
    private long writeDelta(String table, Dataset<Row> rows, AnalyticsRun run, AnalyticsInputs in,
                            Map<String, ModelVersion> versions) {
        OfflineStoreLayout.Table t = layout.table(table);
        StructType versionSchema = new StructType().add("org_id", DataTypes.StringType)
                .add("model_version", DataTypes.StringType).add("model_version_id", DataTypes.LongType);
        List<Row> versionRows = versions.entrySet().stream()
                .map(e -> RowFactory.create(e.getKey(), e.getValue().version().toString(), e.getValue().id())).toList();
        Dataset<Row> out = rows.join(broadcast(spark.createDataFrame(versionRows, versionSchema)), new String[] {"org_id"}, "left")
                .withColumn("run_id", lit(run.runId()))
                .withColumn("run_date", lit(Date.valueOf(run.runDate())))
                .withColumn("input_versions", versionsColumn(in.versions()));
        out.write().format("delta").mode(SaveMode.Overwrite)
                // Replace only the partitions this run writes (its run date, its orgs): other days and orgs stay.
                .option("partitionOverwriteMode", "dynamic")
                .option("userMetadata", json(Map.of("run_id", run.runId(), "input_versions", in.versions())))
                .partitionBy(t.partitionBy().toArray(new String[0]))
                .save(t.location(storeRoot));
        return io.delta.tables.DeltaTable.forPath(spark, t.location(storeRoot)).history(1).select("version").first().getLong(0);
    }

    /** One org's rows of one version, as written to Delta. */
    private Dataset<Row> readBack(String table, String org, ModelVersion v) {
        return spark.read().format("delta").load(layout.table(table).location(storeRoot))
                .filter(col("org_id").equalTo(org).and(col("model_version_id").equalTo(v.id())));
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

    private static Map<String, Object> report(String job, AnalyticsRun run, AnalyticsInputs in, long startNanos) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("job", job);
        r.put("run_id", run.runId());
        r.put("input_versions", in.versions());
        r.put("seconds", Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0);
        return r;
    }

    /** The input versions as a {@code map<string, bigint>} column, so BI can filter on them. */
    private static Column versionsColumn(Map<String, Long> versions) {
        List<Column> kv = new ArrayList<>();
        versions.forEach((table, v) -> {
            kv.add(lit(table));
            kv.add(lit(v));
        });
        return map(kv.toArray(new Column[0]));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
