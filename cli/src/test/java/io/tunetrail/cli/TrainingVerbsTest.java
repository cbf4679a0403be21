package io.tunetrail.cli;

import static io.tunetrail.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval and bench batch refuse bad command lines with exit 2 and a reason, before starting Spark. */
class TrainingVerbsTest {
    @TempDir
    Path dir;


    @Test
    void evalRefusesUnknownDataSetsAndBadSplits() {
        Object[] unknown = run("eval", "--dataset", "netflix", "--data-dir", dir.toString());
        assertThat(unknown[0]).isEqualTo(2);
        assertThat((String) unknown[1]).contains("unknown data set 'netflix'").contains("lastfm-2k");
        Object[] ratio = run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.toString(), "--ratio", "1.5");
        assertThat(ratio[0]).isEqualTo(2);
        assertThat((String) ratio[1]).contains("--ratio 1.5");
        Object[] split = run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.toString(), "--split", "random");
        assertThat(split[0]).isEqualTo(2);
        assertThat((String) split[1]).contains("stratified or time");
        assertThat(run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.resolve("missing").toString())[0]).isEqualTo(2);
    }

    @Test
    void evalRefusesUnknownFamiliesAndBadBudgetsInOneLine() {
        Object[] family = run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.toString(), "--families", "ease,ncf");
        assertThat(family[0]).isEqualTo(2);
        assertThat((String) family[1]).contains("'ncf'").contains("als,ease,itemknn,sar,bpr,lightgcn,content").doesNotContain("\n\n");
        Object[] budget = run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.toString(), "--tune-budget", "-5");
        assertThat(budget[0]).isEqualTo(2);
        assertThat((String) budget[1]).contains("--tune-budget -5");
        Object[] seed = run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.toString(), "--seed", "-1");
        assertThat(seed[0]).isEqualTo(2);
        assertThat((String) seed[1]).contains("NumPy seed");
    }

    @Test
    void syntheticEvalReadsNoFilesAndTakesAScaleThatOnlyItAccepts() {
        Object[] withDir = run("eval", "--dataset", "synthetic", "--data-dir", dir.toString());
        assertThat(withDir[0]).isEqualTo(2);
        assertThat((String) withDir[1]).contains("reads no --data-dir");
        Object[] badScale = run("eval", "--dataset", "synthetic", "--scale", "0");
        assertThat(badScale[0]).isEqualTo(2);
        assertThat((String) badScale[1]).contains("--scale 0.0");
        Object[] scaleElsewhere = run("eval", "--dataset", "lastfm-2k", "--data-dir", dir.toString(), "--scale", "2");
        assertThat(scaleElsewhere[0]).isEqualTo(2);
        assertThat((String) scaleElsewhere[1]).contains("--scale applies to --dataset synthetic only");
    }

    @Test
    void trainRefusesContradictoryModes() {
        Object[] both = run("train", "--all", "--requests");
        assertThat(both[0]).isEqualTo(2);
        assertThat((String) both[1]).contains("exclude each other");
        assertThat(run("train", "--requests", "--org", "acme")[0]).isEqualTo(2);
    }

    @Test
    void trainRefusesAnAsOfThatIsNoDateOrHasNoPlace() {
        Object[] notADate = run("train", "--all", "--as-of", "yesterday");
        assertThat(notADate[0]).isEqualTo(2);
        assertThat((String) notADate[1]).contains("--as-of needs a date as YYYY-MM-DD, got 'yesterday'");
        assertThat((String) run("train", "--requests", "--as-of", "2026-03-04")[1]).contains("--as-of does not apply to --requests");
        assertThat((String) run("train", "--list-orgs", "--job", "als")[1]).contains("exclude each other");
    }

    @Test
    void workerRefusesBadOptionsWithOneLineAndExit2() {
        Object[] jobs = run("worker", "--max-jobs", "0");
        assertThat(jobs[0]).isEqualTo(2);
        assertThat((String) jobs[1]).contains("--max-jobs needs a whole number from 1 to 64, got '0'").doesNotContain("\n\n");
        Object[] poll = run("worker", "--poll-ms", "5");
        assertThat(poll[0]).isEqualTo(2);
        assertThat((String) poll[1]).contains("--poll-ms needs a whole number from 10");
        Object[] id = run("worker", "--id", "no spaces please");
        assertThat(id[0]).isEqualTo(2);
        assertThat((String) id[1]).contains("--id must be");
        assertThat(run("worker", "--max-jobs", "two")[0]).isEqualTo(2);
        assertThat(run("worker", "--frobnicate")[0]).isEqualTo(2);
    }

    @Test
    void aGroupRunAloneNamesEveryOneOfItsSubcommands() {
        Object[] admin = run("admin");
        assertThat(admin[0]).isEqualTo(2);
        assertThat((String) admin[1]).contains("say what to do: org, key, stripe, analyst, models or console-user");
        Object[] models = run("admin", "models");
        assertThat(models[0]).isEqualTo(2);
        assertThat((String) models[1]).contains("say what to do: freeze, unfreeze or status");
    }

    @Test
    void qualityAndHealthNeedASubcommand() {
        Object[] quality = run("quality");
        assertThat(quality[0]).isEqualTo(2);
        assertThat((String) quality[1]).contains("say what to do: check");
        Object[] health = run("health");
        assertThat(health[0]).isEqualTo(2);
        assertThat((String) health[1]).contains("say what to do: streaming");
    }

    @Test
    void benchBatchNeedsTheDataSetUnlessTheAlsPartIsSkipped() {
        Object[] missing = run("bench", "batch", "--data-dir", dir.resolve("missing").toString());
        assertThat(missing[0]).isEqualTo(2);
        assertThat((String) missing[1]).contains("--skip-als");
    }
}
