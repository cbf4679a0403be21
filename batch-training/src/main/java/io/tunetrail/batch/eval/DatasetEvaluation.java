package io.tunetrail.batch.eval;

import io.tunetrail.ingestion.importers.DatasetImporter;
import io.tunetrail.ingestion.importers.DatasetImporters;
import io.tunetrail.ingestion.importers.ImportRequest;
import io.tunetrail.ingestion.importers.ImportResult;
import io.tunetrail.model.Org;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ./tunetrail eval}: reads a public data set in its own files with the platform's importer (the same mapping as
 * {@code ./tunetrail import}: Last.fm play counts become plays with a count, MovieLens ratings of any value become
 * events), and evaluates ALS against the popularity baseline on it. Nothing is written to the platform's stores;
 * rejected rows go to {@code <rejectDir>/rejects/} as with an import.
 */
public final class DatasetEvaluation {
    static final StructType EVENTS = new StructType()
            .add("user_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
            .add("event_type", DataTypes.StringType).add("count", DataTypes.IntegerType)
            .add("event_time", DataTypes.TimestampType);
    // A fixed instant: Last.fm has no times, its importer derives them from this, so runs are repeatable.
    private static final Instant REFERENCE = Instant.parse("2026-01-01T00:00:00Z");

    private final SparkSession spark;
    private final Path rejectDir;

    public DatasetEvaluation(SparkSession spark, Path rejectDir) {
        this.spark = spark;
        this.rejectDir = rejectDir;
    }

    /** The data set's listening events as a frame of {@code user_id, track_id, event_type, count, event_time}. */
    public Dataset<Row> events(String dataset, Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("data directory " + dataDir + " does not exist; pass the unpacked "
                    + dataset + " folder with --data-dir");
        }
        DatasetImporter importer = DatasetImporters.forName(dataset);
        List<Row> rows = new ArrayList<>();
        try {
            ImportResult result = importer.importInto(new ImportRequest(dataDir, new Org("eval-" + dataset, dataset, "community"),
                    rejectDir, REFERENCE), e -> rows.add(RowFactory.create(e.userId(), e.trackId(), e.eventType().wireName(),
                    e.count(), Timestamp.from(e.eventTime()))));
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("the " + dataset + " data set in " + dataDir + " has no listening events ("
                        + result.catalog().tracks().size() + " tracks, 0 events), so there is nothing to evaluate; use lastfm-2k "
                        + "or movielens");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dataset + " from " + dataDir + " failed: " + e.getMessage(), e);
        }
        return spark.createDataFrame(rows, EVENTS);
    }

    /** The eval verb's last line: {@code {"dataset","k","split","als":{5 metrics},"baseline":{5 metrics}}}. */
    public static Map<String, Object> json(String dataset, Evaluator.Report report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", dataset);
        out.put("k", report.k());
        out.put("split", report.split());
        out.put("als", five(report.als()));
        out.put("baseline", five(report.baseline()));
        return out;
    }

    private static Map<String, Object> five(RankingMetrics m) {
        Map<String, Object> all = m.asMap();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : List.of("precision", "recall", "ndcg", "map", "coverage")) {
            out.put(key, all.get(key));
        }
        return out;
    }

    /** The human table printed before the JSON line. */
    public static List<String> table(String dataset, Evaluator.Report r) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s: %,d listeners, %,d tracks, %,d training pairs, %,d held out (%s split), k = %d",
                dataset, r.users(), r.tracks(), r.trainPairs(), r.heldOutPairs(), r.split(), r.k()));
        lines.add(String.format("%-11s %9s %9s %9s %9s %9s %9s %9s", "", "precision", "recall", "ndcg", "map",
                "coverage", "novelty", "pop.bias"));
        for (Map.Entry<String, RankingMetrics> e : Map.of("als", r.als(), "popularity", r.baseline()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            RankingMetrics m = e.getValue();
            lines.add(String.format("%-11s %9.4f %9.4f %9.4f %9.4f %9.4f %9.3f %9.4f", e.getKey(), m.precision(), m.recall(),
                    m.ndcg(), m.map(), m.coverage(), m.novelty(), m.popularityBias()));
        }
        lines.add(String.format("als / popularity precision@%d: %.2f", r.k(), r.precisionRatio()));
        return lines;
    }
}
