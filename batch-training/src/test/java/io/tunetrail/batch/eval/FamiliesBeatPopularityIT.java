package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunetrail.batch.eval.family.Families;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the shared MovieLens ml-latest-small, every collaborative family at its defaults (no tuning: a zero budget) beats
 * the popularity baseline's nDCG@10 on the stratified split, and the baseline reproduces the published figure of
 * that split (P@10 0.183, nDCG@10 0.208, measured with Microsoft Recommenders' split in Python): the split is theirs.
 */
class FamiliesBeatPopularityIT {
    static final Path ML = Path.of("..", "..", "shared", "datasets", "ml-latest-small").toAbsolutePath().normalize();

    @TempDir
    Path rejects;

    @Test
    @SuppressWarnings("unchecked")
    void everyCollaborativeFamilyBeatsPopularity() {
        assumeTrue(Files.isRegularFile(ML.resolve("ratings.csv")),
                "MovieLens ml-latest-small is not at " + ML + " (see README, Data); this test needs it");
        Interactions rows = DatasetEvaluation.interactions("movielens", ML, rejects);
        List<String> log = new ArrayList<>();
        Map<String, Object> out = new FamilyEvaluation(new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42), 42, 10,
                Duration.ZERO, log::add).run("movielens", rows, Families.parse("als,ease,itemknn,bpr"));
        Map<String, Object> baseline = (Map<String, Object>) out.get("baseline");
        assertThat((double) baseline.get("precision")).isBetween(0.182, 0.184);
        assertThat((double) baseline.get("ndcg")).isBetween(0.207, 0.209);
        for (String family : List.of("als", "ease", "itemknn", "bpr")) {
            Map<String, Object> f = (Map<String, Object>) out.get(family);
            assertThat((double) f.get("ndcg")).as("%s nDCG@10 vs popularity; log: %s", family, log)
                    .isGreaterThan((double) baseline.get("ndcg") * 1.15);
        }
        assertThat(out.get("best")).isIn("als", "ease", "itemknn", "bpr");
    }
}
