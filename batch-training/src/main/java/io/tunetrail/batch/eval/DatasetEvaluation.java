package io.tunetrail.batch.eval;

import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EventType;
import java.util.LinkedHashMap;
import java.util.function.ToDoubleBiFunction;

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
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Consumer;
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
 * events) for an evaluation: as a Spark frame for the nightly chain's {@link Evaluator}, or as rows in file order
 * for {@link FamilyEvaluation}. Nothing is written to the platform's stores;
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
        List<Row> rows = new ArrayList<>();
        importEvents(dataset, dataDir, e -> rows.add(RowFactory.create(e.userId(), e.trackId(), e.eventType().wireName(),
                e.count(), Timestamp.from(e.eventTime()))));
        return spark.createDataFrame(rows, EVENTS);
    }

    /**
     * The data set's rows in file order, with each item's genres (Last.fm: its artist's top tags) as features: what the
     * family evaluation reads. Needs no Spark session.
     */
    public static Interactions interactions(String dataset, Path dataDir, Path rejectDir) {
        Interactions.Builder rows = new Interactions.Builder();
        ImportResult result = importEvents(dataset, dataDir, rejectDir,
                e -> rows.addEvent(e.userId(), e.trackId(), e.count(), e.eventTime().getEpochSecond()));
        Map<String, List<String>> features = new HashMap<>();
        for (Track t : result.catalog().tracks()) {
            if (!t.genreIds().isEmpty()) {
                features.put(t.trackId(), t.genreIds());
            }
        }
        return rows.build(features);
    }

    /** One generated org's rows and the generator's truth about its listeners, for an evaluation with an oracle. */
    public record SyntheticOrg(String orgId, String planId, Interactions rows, ToDoubleBiFunction<String, String> truth) {}

    /**
     * The synthetic generator's orgs ({@code ./tunetrail eval --dataset synthetic}): each org's listener × track pairs
     * whose summed event weights ({@code weights}, the nightly model's preference weights) are positive, in order of
     * their first event, weighted by that sum, with the tracks' genres as features, and each listener's planted
     * preference for every track.
     */
    public static List<SyntheticOrg> synthetic(GeneratorSettings settings, Map<EventType, Double> weights) {
        SyntheticGenerator generator = new SyntheticGenerator(settings);
        Catalog catalog = generator.catalog();
        Map<String, Map<String, float[]>> pairs = new LinkedHashMap<>();
        Map<String, Map<String, Long>> times = new HashMap<>();
        generator.interactions(e -> {
            String pair = e.userId() + "\u0000" + e.trackId();
            float w = (float) (weights.getOrDefault(e.eventType(), 0.0) * e.count());
            pairs.computeIfAbsent(e.orgId(), o -> new LinkedHashMap<>()).computeIfAbsent(pair, x -> new float[1])[0] += w;
            times.computeIfAbsent(e.orgId(), o -> new HashMap<>()).merge(pair, e.eventTime().getEpochSecond(), Math::max);
        });
        Map<String, List<String>> features = new HashMap<>();
        for (Track t : catalog.tracks()) {
            if (!t.genreIds().isEmpty()) {
                features.put(t.trackId(), t.genreIds());
            }
        }
        List<SyntheticOrg> out = new ArrayList<>();
        for (Org org : catalog.orgs()) {
            Interactions.Builder rows = new Interactions.Builder();
            Map<String, Long> orgTimes = times.getOrDefault(org.orgId(), Map.of());
            pairs.getOrDefault(org.orgId(), Map.of()).forEach((pair, w) -> {
                if (w[0] > 0) {
                    int cut = pair.indexOf('\u0000');
                    rows.addRow(pair.substring(0, cut), pair.substring(cut + 1), w[0], orgTimes.get(pair));
                }
            });
            out.add(new SyntheticOrg(org.orgId(), org.planId(), rows.build(features), generator.truePreferences(org.orgId())));
        }
        return out;
    }

    private ImportResult importEvents(String dataset, Path dataDir, Consumer<InteractionEvent> sink) {
        return importEvents(dataset, dataDir, rejectDir, sink);
    }

    private static ImportResult importEvents(String dataset, Path dataDir, Path rejectDir, Consumer<InteractionEvent> sink) {
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("data directory " + dataDir + " does not exist; pass the unpacked "
                    + dataset + " folder with --data-dir");
        }
        DatasetImporter importer = DatasetImporters.forName(dataset);
        int[] events = {0};
        try {
            ImportResult result = importer.importInto(new ImportRequest(dataDir, new Org("eval-" + dataset, dataset, "community"),
                    rejectDir, REFERENCE), e -> {
                        events[0]++;
                        sink.accept(e);
                    });
            if (events[0] == 0) {
                throw new IllegalArgumentException("the " + dataset + " data set in " + dataDir + " has no listening events ("
                        + result.catalog().tracks().size() + " tracks, 0 events), so there is nothing to evaluate; use lastfm-2k "
                        + "or movielens");
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dataset + " from " + dataDir + " failed: " + e.getMessage(), e);
        }
    }
}
