package io.tunetrail.batch.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.testing.LocalSpark;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TopGenresTest {
    @Test
    void genresRollUpToTheEndOfTheirParentChainPerOrg() {
        Map<List<String>, String> parents = new HashMap<>();
        parents.put(List.of("o1", "rock"), null);
        parents.put(List.of("o1", "alt-rock"), "rock");
        parents.put(List.of("o1", "grunge"), "alt-rock");
        parents.put(List.of("o1", "jazz"), null);
        // Another org's tree: same id, other parent.
        parents.put(List.of("o2", "alt-rock"), "indie");
        parents.put(List.of("o2", "indie"), null);
        // A cycle the schema does not forbid ends the walk instead of looping.
        parents.put(List.of("o1", "x"), "y");
        parents.put(List.of("o1", "y"), "x");

        Map<String, String> roots = TopGenres.roots(parents).stream()
                .collect(Collectors.toMap(r -> r.getString(0) + "/" + r.getString(1), r -> r.getString(2)));

        assertThat(roots).containsEntry("o1/grunge", "rock").containsEntry("o1/alt-rock", "rock")
                .containsEntry("o1/rock", "rock").containsEntry("o2/alt-rock", "indie").containsKey("o1/x");
    }

    @Test
    void tracksGetTheirDistinctSortedTopGenres() {
        SparkSession spark = LocalSpark.get();
        Map<List<String>, String> parents = new HashMap<>();
        parents.put(List.of("o1", "rock"), null);
        parents.put(List.of("o1", "alt-rock"), "rock");
        parents.put(List.of("o1", "jazz"), null);
        Dataset<Row> roots = spark.createDataFrame(TopGenres.roots(parents), TopGenres.ROOTS);
        Dataset<Row> catalog = new Frames.Catalog()
                .track("o1", "both", List.of("jazz", "alt-rock", "rock"), List.of(), 0.5, 100.0)
                .track("o1", "unknown-genre", List.of("polka"), List.of(), 0.5, 100.0)
                .track("o1", "none", List.of(), List.of(), 0.5, 100.0)
                .frame(spark).drop("top_genre_ids");

        Map<String, List<String>> top = TopGenres.withTopGenres(catalog, roots).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("track_id"), r -> r.getList(r.fieldIndex("top_genre_ids"))));

        assertThat(top).containsEntry("both", List.of("jazz", "rock"))
                .containsEntry("unknown-genre", List.of("polka"))
                .containsEntry("none", List.of());
    }
}
