package io.tunetrail.batch.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.batch.testing.LocalSpark;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AudioEmbeddingsTest {
    private static SparkSession spark;
    private static Dataset<Row> catalog;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.get();
        catalog = new Frames.Catalog()
                .track("o1", "calm", List.of("folk"), List.of("folk"), 0.2, 80.0, 0.3)
                .track("o1", "calm-twin", List.of("folk"), List.of("folk"), 0.2, 80.0, 0.3)
                .track("o1", "calm-ish", List.of("folk"), List.of("folk"), 0.25, 85.0, 0.35)
                .track("o1", "loud", List.of("metal", "rock"), List.of("rock"), 0.95, 150.0, 0.2)
                .track("o1", "dance", List.of("house"), List.of("electronic"), 0.8, 124.0, 0.8)
                .track("o1", "no-features", List.of("house"), List.of("electronic"), null, null, null)
                .track("o2", "only", List.of("x"), List.of("x"), 0.5, 100.0, 0.5)
                .frame(spark);
    }

    @Test
    void identicalTracksGetIdenticalUnitEmbeddingsOfTheConfiguredDimension() {
        AudioEmbeddings.Result result = new AudioEmbeddings(AnalyticsSettings.defaults().withEmbeddingDimension(4)).compute(catalog);
        Map<String, float[]> byTrack = embeddings(result);

        assertThat(byTrack.get("calm")).isEqualTo(byTrack.get("calm-twin"));
        assertThat(byTrack.get("calm")).isNotEqualTo(byTrack.get("loud"));
        assertThat(byTrack.values()).allSatisfy(v -> {
            assertThat(v).hasSize(4);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        });
        // Similar sound, same genre: nearer to each other than to a metal track.
        assertThat(cosine(byTrack.get("calm"), byTrack.get("calm-ish")))
                .isGreaterThan(cosine(byTrack.get("calm"), byTrack.get("loud")));
        // A track without audio features is embedded from its genres; an org with one track gets nothing.
        assertThat(byTrack).containsKey("no-features").doesNotContainKey("only");
        assertThat(result.explainedVariance().get("o1")).isBetween(0.5, 1.0 + 1e-9);
    }

    @Test
    void aDimensionAboveTheInputsPadsWithZeros() {
        // 10 audio features + 4 genres = 14 input dimensions, 32 asked for.
        Map<String, float[]> byTrack = embeddings(new AudioEmbeddings(AnalyticsSettings.defaults().withEmbeddingDimension(32)).compute(catalog));

        assertThat(byTrack.get("loud")).hasSize(32);
        for (float[] v : byTrack.values()) {
            for (int i = 14; i < 32; i++) {
                assertThat(v[i]).isZero();
            }
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        }
    }

    private static Map<String, float[]> embeddings(AudioEmbeddings.Result result) {
        return result.embeddings().collectAsList().stream().collect(Collectors.toMap(r -> r.<String>getAs("track_id"), r -> {
            List<Float> list = r.getList(r.fieldIndex("embedding"));
            float[] v = new float[list.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = list.get(i);
            }
            return v;
        }));
    }

    private static double norm(float[] v) {
        return Math.sqrt(cosineDot(v, v));
    }

    private static double cosine(float[] a, float[] b) {
        return cosineDot(a, b) / (norm(a) * norm(b));
    }

    private static double cosineDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
