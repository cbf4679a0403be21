package io.tunetrail.batch.analytics;

import static io.tunetrail.store.vector.TrackEmbeddingSources.AUDIO_ANALYSIS;
import static io.tunetrail.store.vector.TrackEmbeddingSources.CATALOG_FEATURES;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.ElementwiseProduct;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Job 7, audio-embeddings: one vector per track from its audio features and genres, for "sounds like" search.
 *
 * <p>Per org (genre ids and feature scales are an org's own): the audio features of {@link #AUDIO} are standardised
 * (mean 0, standard deviation 1 over the org's tracks; a track without features gets the means, i.e. zeros), the
 * track's genres (subgenres and top-level genres, as the catalog lists them) are a multi-hot vector with every
 * indicator weighted by {@link AnalyticsSettings#genreWeight()}, both are concatenated and projected by PCA onto the
 * {@link AnalyticsSettings#embeddingDimension()} principal components, then L2-normalised (cosine distance is what
 * pgvector's index uses). When an org's tracks have fewer input dimensions than that, the projection keeps all of
 * them and the remaining components are 0. Every step after fitting is a function of the track's own row, so two
 * tracks with equal features and genres get equal embeddings. Tracks whose projection is the zero vector (cosine is
 * undefined for it) are left out and counted; orgs with fewer than two tracks get none.
 *
 * <p>Tracks with an analysis of their own audio ({@code analysed}: the newest per track) are embedded from the analysed
 * features instead of the catalog's ({@code source = audio_analysis}, with the analyser version). The projection is
 * still fitted on the catalog features alone, so it, and every feature-only embedding, stay what they were: an
 * analysed track lands in the same space, where its own audio puts it, and analysing one track moves no other.
 *
 * <p>Output columns: {@code org_id, track_id, embedding} (array of float, exactly the configured dimension),
 * {@code source} ({@code catalog_features} | {@code audio_analysis}), {@code analyser_version} (null for catalog).
 */
public final class AudioEmbeddings {
    /** The audio features used, as columns of the catalog tracks; {@code mode} (0/1) is a feature like the rest. */
    public static final List<String> AUDIO = List.of("tempo", "loudness", "energy", "danceability", "valence",
            "acousticness", "instrumentalness", "liveness", "speechiness", "mode");

    /** Embeddings, with per org the share of the inputs' variance the projection kept and the tracks left out. */
    public record Result(Dataset<Row> embeddings, Map<String, Double> explainedVariance, Map<String, Long> zeroVectors) {}

    private final AnalyticsSettings settings;

    public AudioEmbeddings(AnalyticsSettings settings) {
        this.settings = settings;
    }

    /** Feature-only embeddings (no track has an analysis). */
    public Result compute(Dataset<Row> catalogTracks) {
        return compute(catalogTracks, catalogTracks.sparkSession().createDataFrame(List.of(), analysedSchema()));
    }

    /**
     * @param catalogTracks the catalog tracks ({@code NightlyContext.catalogTracks()}): ids, {@code genres} and audio columns
     * @param analysed      one row per analysed track: {@code org_id, track_id, analyser_version} and the {@link #AUDIO}
     *                      columns as the analyser computed them
     */
    public Result compute(Dataset<Row> catalogTracks, Dataset<Row> analysed) {
        List<String> orgs = catalogTracks.select("org_id").distinct().orderBy("org_id").as(Encoders.STRING()).collectAsList();
        Dataset<Row> out = null;
        Map<String, Double> explained = new LinkedHashMap<>();
        Map<String, Long> zero = new LinkedHashMap<>();
        for (String org : orgs) {
            Dataset<Row> tracks = catalogTracks.filter(col("org_id").equalTo(org));
            if (tracks.limit(2).count() < 2) {
                continue;
            }
            Dataset<Row> embedded = embedOrg(tracks, analysed.filter(col("org_id").equalTo(org)), org, explained).cache();
            long zeros = embedded.filter(col("_norm").equalTo(0)).count();
            zero.put(org, zeros);
            Dataset<Row> kept = embedded.filter(col("_norm").gt(0)).select("org_id", "track_id", "embedding", "source", "analyser_version");
            out = out == null ? kept : out.union(kept);
        }
        if (out == null) {
            out = catalogTracks.sparkSession().createDataFrame(List.of(), new StructType()
                    .add("org_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
                    .add("embedding", DataTypes.createArrayType(DataTypes.FloatType))
                    .add("source", DataTypes.StringType).add("analyser_version", DataTypes.StringType));
        }
        return new Result(out, explained, zero);
    }

    /** The columns {@link #compute(Dataset, Dataset)} expects of analysed tracks. */
    public static StructType analysedSchema() {
        StructType t = new StructType().add("org_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
                .add("analyser_version", DataTypes.StringType);
        for (String c : AUDIO) {
            t = t.add(c, DataTypes.DoubleType);
        }
        return t;
    }

    private Dataset<Row> embedOrg(Dataset<Row> tracks, Dataset<Row> analysed, String org, Map<String, Double> explained) {
        // Tracks without audio features get the org's means: standardised, that is 0 in every feature.
        Row means = tracks.agg(avg(col(AUDIO.get(0))), AUDIO.stream().skip(1).map(c -> avg(col(c))).toArray(Column[]::new)).first();
        Map<String, Object> fill = new LinkedHashMap<>();
        for (int i = 0; i < AUDIO.size(); i++) {
            fill.put(AUDIO.get(i), means.isNullAt(i) ? 0.0 : means.getDouble(i));
        }
        List<Column> columns = new ArrayList<>(List.of(col("org_id"), col("track_id"), col("genres")));
        AUDIO.forEach(c -> columns.add(col(c).cast("double").as(c)));
        Dataset<Row> input = tracks.select(columns.toArray(new Column[0])).na().fill(fill);
        boolean hasGenres = input.filter(size(col("genres")).gt(0)).limit(1).count() > 0;

        List<PipelineStage> stages = new ArrayList<>();
        stages.add(new VectorAssembler().setInputCols(AUDIO.toArray(new String[0])).setOutputCol("_audio_raw"));
        stages.add(new StandardScaler().setInputCol("_audio_raw").setOutputCol("_audio").setWithMean(true).setWithStd(true));
        List<String> parts = new ArrayList<>(List.of("_audio"));
        int genreCount = 0;
        if (hasGenres) {
            CountVectorizer genres = new CountVectorizer().setInputCol("genres").setOutputCol("_genres").setBinary(true);
            genreCount = genres.fit(input).vocabulary().length;
            double[] weights = new double[genreCount];
            Arrays.fill(weights, settings.genreWeight());
            stages.add(genres);
            stages.add(new ElementwiseProduct().setInputCol("_genres").setOutputCol("_genres_w").setScalingVec(Vectors.dense(weights)));
            parts.add("_genres_w");
        }
        stages.add(new VectorAssembler().setInputCols(parts.toArray(new String[0])).setOutputCol("_x"));
        int inputDimension = AUDIO.size() + genreCount;
        int k = Math.min(settings.embeddingDimension(), inputDimension);
        stages.add(new PCA().setInputCol("_x").setOutputCol("_pca").setK(k));
        stages.add(new Normalizer().setInputCol("_pca").setOutputCol("_unit").setP(2.0));
        PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(input);
        PCAModel pca = (PCAModel) model.stages()[stages.size() - 2];
        explained.put(org, Arrays.stream(pca.explainedVariance().toArray()).sum());

        // The analysed features replace the catalog's where a track has them; a feature the analysis lacks keeps the catalog's.
        List<Column> overlaid = new ArrayList<>(List.of(col("i.org_id"), col("i.track_id"), col("i.genres")));
        for (String c : AUDIO) {
            overlaid.add(coalesce(col("a." + c), col("i." + c)).as(c));
        }
        overlaid.add(when(col("a.analyser_version").isNotNull(), lit(AUDIO_ANALYSIS)).otherwise(lit(CATALOG_FEATURES)).as("source"));
        overlaid.add(col("a.analyser_version").as("analyser_version"));
        Dataset<Row> scored = input.as("i").join(analysed.drop("org_id").as("a"), col("i.track_id").equalTo(col("a.track_id")), "left")
                .select(overlaid.toArray(new Column[0]));

        Column vector = functions.vector_to_array(col("_unit"), "float32");
        Column padded = k == settings.embeddingDimension()
                ? vector
                : concat(vector, array_repeat(lit(0.0f), settings.embeddingDimension() - k));
        return model.transform(scored).select(col("org_id"), col("track_id"), padded.as("embedding"), col("source"), col("analyser_version"),
                functions.vector_to_array(col("_pca"), "float64").as("_p"))
                .withColumn("_norm", aggregate(col("_p"), lit(0.0),
                        (acc, x) -> acc.plus(x.multiply(x))))
                .drop("_p");
    }
}
