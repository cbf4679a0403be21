package io.tunetrail.batch.audio;

import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.AudioLimits;
import io.tunetrail.audio.document.AudioFeatures;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import io.tunetrail.store.audio.AudioObjectStore;
import io.tunetrail.store.audio.AudioStoreSettings;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Analyses the registered audio of one partition of pending tracks ({@code org_id, track_id, object_key, sha256}) on an
 * executor, one file at a time, into rows of the Delta table {@code audio_analyses}. The analyser has no Spark
 * dependency and is created per partition (it is not serializable and costs nothing to build). A file the analyser
 * refuses, or that cannot be read, is a row with {@code status = refused} and the reason, never a failed task: one bad
 * file must not cost the night's other analyses.
 */
final class AnalysePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    static final String ANALYSED = "analysed";
    static final String REFUSED = "refused";

    /** Columns of {@code audio_analyses} (schemas/offline-store.yaml) besides {@code run_id}. */
    static final StructType SCHEMA = new StructType()
            .add("org_id", DataTypes.StringType, false)
            .add("track_id", DataTypes.StringType, false)
            .add("analysed_at", DataTypes.TimestampType, false)
            .add("status", DataTypes.StringType, false)
            .add("refusal", DataTypes.StringType)
            .add("message", DataTypes.StringType)
            .add("analysis_id", DataTypes.StringType)
            .add("analyser_version", DataTypes.StringType, false)
            .add("object_key", DataTypes.StringType, false)
            .add("sha256", DataTypes.StringType, false)
            .add("duration_ms", DataTypes.LongType)
            .add("tempo", DataTypes.DoubleType)
            .add("key", DataTypes.IntegerType)
            .add("mode", DataTypes.IntegerType)
            .add("time_signature", DataTypes.IntegerType)
            .add("loudness", DataTypes.DoubleType)
            .add("energy", DataTypes.DoubleType)
            .add("danceability", DataTypes.DoubleType)
            .add("valence", DataTypes.DoubleType)
            .add("acousticness", DataTypes.DoubleType)
            .add("instrumentalness", DataTypes.DoubleType)
            .add("liveness", DataTypes.DoubleType)
            .add("speechiness", DataTypes.DoubleType)
            .add("features_json", DataTypes.StringType)
            .add("document_json", DataTypes.StringType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType))
            .add("embedding_model", DataTypes.StringType);

    private final AudioStoreSettings store;
    private final long maxBytes;
    private final double maxSeconds;

    AnalysePartition(AudioStoreSettings store, AudioLimits limits) {
        this.store = store;
        this.maxBytes = limits.maxBytes();
        this.maxSeconds = limits.maxSeconds();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> pending) {
        TrackAudioAnalyser analyser = new TrackAudioAnalyser(new AudioAnalyser(), new AudioLimits(maxBytes, maxSeconds));
        AudioObjectStore objects = store.open();
        TaskContext task = TaskContext.get();
        if (task != null) {
            // The rows are consumed after call() returns: the store closes with the task, not here.
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> objects.close());
        }
        // Lazily, one file at a time: a partition's audio never sits in memory at once.
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pending.hasNext();
            }

            @Override
            public Row next() {
                Row r = pending.next();
                return analyse(analyser, objects, r.getAs("org_id"), r.getAs("track_id"), r.getAs("object_key"), r.getAs("sha256"));
            }
        };
    }

    static Row analyse(TrackAudioAnalyser analyser, AudioObjectStore objects, String org, String track, String key, String sha) {
        Timestamp now = Timestamp.from(Instant.now());
        byte[] audio;
        try {
            // Through the store's key rule: a key in track_audio that is not under the org's prefix is refused here.
            audio = objects.get(org, key);
        } catch (RuntimeException e) {
            return refused(org, track, key, sha, now, "unreadable", "the registered audio cannot be read: " + e);
        }
        TrackAudioAnalyser.Outcome o = analyser.analyse(org, track, key, audio);
        if (!o.analysed()) {
            return refused(org, track, key, sha, now, o.refusal(), o.message());
        }
        AudioAnalysisWriter.TrackAnalysis a = o.analysis();
        AudioFeatures f = o.features();
        List<Float> embedding = new ArrayList<>(a.embedding().length);
        for (float v : a.embedding()) {
            embedding.add(v);
        }
        // The sha of the bytes analysed: what the analysis is of, even if the file changed after it was registered.
        return RowFactory.create(org, track, now, ANALYSED, null, null, a.analysisId(), a.analyserVersion(), key,
                a.sha256(), a.durationMs(), f.tempo(), f.key(), f.mode(), f.timeSignature(), f.loudness(),
                f.energy(), f.danceability(), f.valence(), f.acousticness(), f.instrumentalness(), f.liveness(), f.speechiness(),
                a.featuresJson(), a.documentJson(), scala.collection.JavaConverters.asScalaBuffer(embedding).toList(), a.embeddingModel());
    }

    private static Row refused(String org, String track, String key, String sha, Timestamp at, String reason, String message) {
        Object[] v = new Object[SCHEMA.size()];
        v[0] = org;
        v[1] = track;
        v[2] = at;
        v[3] = REFUSED;
        v[4] = reason;
        v[5] = message;
        v[7] = TrackAudioAnalyser.version();
        v[8] = key;
        v[9] = sha;
        return RowFactory.create(v);
    }
}
