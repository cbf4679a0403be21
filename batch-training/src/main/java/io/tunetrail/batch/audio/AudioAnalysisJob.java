package io.tunetrail.batch.audio;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.audio.AudioLimits;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.PostgresQuery;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.AudioStoreSettings;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code audio-analysis} job: every catalog track with registered audio ({@code track_audio}) and no analysis of
 * those bytes by the current analyser ({@code AudioAnalyser.VERSION}) is analysed, in parallel over the executors
 * ({@link AnalysePartition}), into the Delta table {@code audio_analyses} and then the tables the API reads
 * ({@code audio_analyses} and {@code audio_embeddings} in PostgreSQL).
 *
 * <p>What is pending comes from PostgreSQL, which the API writes too: a track analysed through the API or
 * {@code ./tunetrail analyze} with the same bytes is not analysed again, a second run right after the first analyses
 * nothing, and a new analyser version analyses everything again. Files the analyser refused are recorded in Delta
 * ({@code status = refused}, with the reason) and not retried until other bytes are registered or the analyser
 * changes. Delta is written before PostgreSQL: a run that dies in between analyses those tracks again next time (so
 * the Delta table may hold a track twice for one analyser version; its analysis is the newest row), and never loses one.
 *
 * <p>The audio is read from the audio object store's folder ({@code api.audio.store-dir}), which on a cluster must
 * be a path every executor sees.
 */
public final class AudioAnalysisJob implements NightlyJob {
    public static final String NAME = "audio-analysis";
    static final String TABLE = "audio_analyses";

    private static final String PENDING = """
            SELECT ta.org_id, ta.track_id, ta.object_key, ta.sha256 FROM track_audio ta
            WHERE NOT EXISTS (SELECT 1 FROM audio_analyses a WHERE a.org_id = ta.org_id AND a.track_id = ta.track_id
                              AND a.sha256 = ta.sha256 AND a.analyser_version = '%s')
            """;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        String version = TrackAudioAnalyser.version();
        String query = PENDING.formatted(version)
                + ctx.orgFilter().map(o -> " AND ta.org_id = '" + o.replace("'", "''") + "'").orElse("");
        Dataset<Row> pending = PostgresQuery.rows(ctx.spark(), ctx.config(), query);
        Map<String, Long> inputs = new LinkedHashMap<>();
        if (ctx.tables().exists(TABLE)) {
            // Refused before, same bytes, same analyser: it would be refused again.
            long v = ctx.tables().version(TABLE);
            inputs.put(TABLE, v);
            Dataset<Row> refused = ctx.spark().read().format("delta").option("versionAsOf", v).load(ctx.tables().location(TABLE))
                    .filter(col("status").equalTo(AnalysePartition.REFUSED).and(col("analyser_version").equalTo(version)))
                    .select("org_id", "track_id", "sha256").distinct();
            pending = pending.join(refused, scala.collection.JavaConverters.asScalaBuffer(List.of("org_id", "track_id", "sha256")).toList(),
                    "left_anti").select("org_id", "track_id", "object_key", "sha256");
        }
        pending = pending.persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("analyser_version", version);
        Map<String, Long> outputs = new LinkedHashMap<>();
        try {
            long count = pending.count();
            figures.put("pending", count);
            if (count == 0) {
                figures.put("analysed", 0L);
                figures.put("refused", 0L);
                return new JobResult(NAME, ctx.runId(), Map.of(), inputs, outputs, figures, (System.nanoTime() - start) / 1_000_000);
            }
            PlatformConfig config = ctx.config();
            AudioLimits limits = new AudioLimits(config.getLong(PlatformConfig.API_AUDIO_MAX_UPLOAD_BYTES),
                    config.getDouble(PlatformConfig.API_AUDIO_MAX_SECONDS));
            // One file is one task's CPU for a while: spread them over every core, a few files per partition at least.
            int partitions = (int) Math.max(1, Math.min(count, 2L * ctx.spark().sparkContext().defaultParallelism()));
            Dataset<Row> analysed = pending.repartition(partitions)
                    .mapPartitions(new AnalysePartition(AudioStoreSettings.from(config), limits),
                            Encoders.row(AnalysePartition.SCHEMA))
                    .withColumn("run_id", lit(ctx.runId()));
            analysed.write().format("delta").mode(SaveMode.Append).partitionBy("org_id").save(ctx.tables().location(TABLE));
            outputs.put(TABLE, ctx.tables().version(TABLE));
            figures.putAll(publish(ctx));
        } finally {
            pending.unpersist();
        }
        return new JobResult(NAME, ctx.runId(), Map.of(), inputs, outputs, figures, (System.nanoTime() - start) / 1_000_000);
    }

    /** This run's rows of the Delta table, read back: the analyses into PostgreSQL, refusals counted. */
    private static Map<String, Object> publish(NightlyContext ctx) {
        Dataset<Row> mine = ctx.spark().read().format("delta").load(ctx.tables().location(TABLE))
                .filter(col("run_id").equalTo(ctx.runId()));
        AudioAnalysisWriter writer = new AudioAnalysisWriter(ctx.dataSource());
        Map<String, Long> perOrg = new TreeMap<>();
        Map<String, Long> refusals = new TreeMap<>();
        long analysed = 0;
        double audioSeconds = 0;
        Iterator<Row> rows = mine.toLocalIterator();
        while (rows.hasNext()) {
            Row r = rows.next();
            String org = r.getAs("org_id");
            if (!AnalysePartition.ANALYSED.equals(r.getAs("status"))) {
                refusals.merge((String) r.getAs("refusal"), 1L, Long::sum);
                continue;
            }
            List<Float> e = r.getList(r.fieldIndex("embedding"));
            float[] vector = new float[e.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = e.get(i);
            }
            long durationMs = r.getAs("duration_ms");
            writer.insert(new AudioAnalysisWriter.TrackAnalysis(org, r.getAs("analysis_id"), r.getAs("track_id"), r.getAs("analyser_version"),
                    r.getAs("features_json"), r.getAs("document_json"), durationMs, r.getAs("object_key"), r.getAs("sha256"), vector,
                    r.getAs("embedding_model")));
            perOrg.merge(org, 1L, Long::sum);
            analysed++;
            audioSeconds += durationMs / 1000.0;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("analysed", analysed);
        figures.put("refused", refusals.values().stream().mapToLong(Long::longValue).sum());
        figures.put("refusals", refusals);
        figures.put("analysed_per_org", perOrg);
        figures.put("audio_seconds", Math.round(audioSeconds * 10) / 10.0);
        return figures;
    }
}
