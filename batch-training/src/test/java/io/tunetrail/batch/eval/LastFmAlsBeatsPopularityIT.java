package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunetrail.batch.als.AlsParams;
import io.tunetrail.batch.als.Preferences;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real Last.fm HetRec 2011 data, ALS (the platform's default preferences, a smaller rank to keep the suite
 * quick) must clearly beat the popularity baseline at precision@10 on the same stratified split.
 */
class LastFmAlsBeatsPopularityIT {
    static final Path LASTFM = Path.of("..", "..", "shared", "datasets", "hetrec2011-lastfm-2k").toAbsolutePath().normalize();

    @TempDir
    Path rejects;

    @Test
    void alsBeatsPopularityClearly() {
        assumeTrue(Files.isRegularFile(LASTFM.resolve("user_artists.dat")),
                "Last.fm HetRec 2011 is not at " + LASTFM + " (see README, Data); this test needs it");
        PlatformConfig config = TestStack.config(Map.of());
        Evaluator evaluator = new Evaluator(AlsParams.from(config).with(16, 8), Preferences.from(config),
                new HoldoutSplit(HoldoutSplit.Kind.STRATIFIED, 0.75, 42), 10);
        Evaluator.Report report = evaluator.evaluate(new DatasetEvaluation(LocalSpark.get(), rejects).events("lastfm-2k", LASTFM));
        assertThat(report.users()).isGreaterThan(1800);
        assertThat(report.model().precision()).isGreaterThan(0.1);
        assertThat(report.precisionRatio()).as("ALS precision@10 / popularity precision@10").isGreaterThan(1.5);
        assertThat(report.model().coverage()).isGreaterThan(report.baseline().coverage());
    }
}
