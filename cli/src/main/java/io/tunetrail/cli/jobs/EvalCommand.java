package io.tunetrail.cli.jobs;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.data.DataOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail eval}: ALS against the popularity baseline on a public data set, offline. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Train ALS on a public data set and evaluate it beside a popularity baseline.",
            "Holdout per listener (a seeded random share, or their latest tracks), full ranking of every track with",
            "the listener's training tracks excluded: precision, recall, NDCG and MAP at k, catalog coverage,",
            "novelty and popularity bias. Reads the files directly; writes nothing to the platform's stores.",
            "The last line is one JSON object: {\"dataset\",\"k\",\"split\",\"als\":{...},\"baseline\":{...}}."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "lastfm-2k or movielens (spotify has no listening events).")
    String dataset;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Directory holding the data set's files.")
    Path dataDir;

    @Option(names = "--k", defaultValue = "10", description = "Cut-off of the ranking metrics (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--split", defaultValue = "stratified", description = "stratified or time (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--ratio", defaultValue = "0.75", description = "Share of each listener's tracks for training (default ${DEFAULT-VALUE}).")
    double ratio;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the stratified split (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        DataOptions.requireDataset(dataset, dataDir);
        if (k < 1) {
            throw CliError.usage("--k " + k + " is not a cut-off", "use 1 or more, e.g. --k 10");
        }
        if (!List.of("stratified", "time").contains(split)) {
            throw CliError.usage("--split " + split + " is unknown", "use stratified or time");
        }
        if (!(ratio > 0 && ratio < 1)) {
            throw CliError.usage("--ratio " + ratio + " is not a share", "use a number strictly between 0 and 1, e.g. 0.75");
        }
        List<String> args = new ArrayList<>(List.of("--eval", "--dataset", dataset, "--data-dir",
                dataDir.toAbsolutePath().normalize().toString(), "--k", String.valueOf(k), "--split", split,
                "--ratio", String.format(Locale.ROOT, "%s", ratio), "--seed", String.valueOf(seed)));
        BatchJobs.run(TunetrailCli.config(), BatchJobs.root("eval"), args, "evaluating " + dataset, System.out::println);
        return 0;
    }
}
