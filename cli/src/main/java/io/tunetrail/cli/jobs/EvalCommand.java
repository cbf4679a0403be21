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

/** {@code ./tunetrail eval}: every model family against the popularity baseline on a public data set, offline. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate every model family (als, ease, itemknn, sar, bpr, lightgcn, content) on one split of a public",
            "data set, beside a popularity baseline. Split per user: stratified draws numpy.random.seed(SEED);",
            "rand(N) per row in file order and trains on each user's first round(RATIO n) rows by draw (Microsoft",
            "Recommenders' split), time trains on each user's earliest rows. Each family is tuned by random search",
            "on a validation split of the training part within --tune-budget seconds, refitted on the whole",
            "training part and scored on the test part once: precision, recall, NDCG and MAP at k (95% bootstrap",
            "intervals over users for precision and NDCG), coverage, novelty, popularity bias, fit seconds and the",
            "chosen hyperparameters. Reads the files directly; writes nothing to the platform's stores.",
            "The last line is one JSON object with a key per family, \"baseline\" and \"best\" (highest validation NDCG)."})
public final class EvalCommand implements Callable<Integer> {
    static final List<String> FAMILIES = List.of("als", "ease", "itemknn", "sar", "bpr", "lightgcn", "content");
    static final String SYNTHETIC = "synthetic";

    @Option(names = "--dataset", required = true, description = "lastfm-2k or movielens (spotify has no listening events), or "
            + "synthetic: the generator's demo orgs, each beside an oracle ranking by its listeners' planted taste.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory holding the data set's files (not for synthetic).")
    Path dataDir;

    @Option(names = "--scale", paramLabel = "X", description = "synthetic only: the demo's data times X (default 1).")
    Double scale;

    @Option(names = "--k", defaultValue = "10", description = "Cut-off of the ranking metrics (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--split", defaultValue = "stratified", description = "stratified or time (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--ratio", defaultValue = "0.75", description = "Share of each listener's tracks for training (default ${DEFAULT-VALUE}).")
    double ratio;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the stratified split (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--families", paramLabel = "a,b", description = "Only these families (default: all of als, ease, itemknn, sar, bpr, lightgcn, content).")
    String families;

    @Option(names = "--tune-budget", paramLabel = "SECONDS", description = "Seconds of hyperparameter search per family (default: batch.eval.tune-budget-seconds, 30; 0 runs the defaults).")
    Long tuneBudget;

    @Override
    public Integer call() {
        boolean synthetic = SYNTHETIC.equals(dataset);
        if (synthetic) {
            if (dataDir != null) {
                throw CliError.usage("--dataset synthetic is generated, it reads no --data-dir", "leave --data-dir out");
            }
            if (scale != null && !(scale > 0 && scale < 100)) {
                throw CliError.usage("--scale " + scale + " is not a scale of the demo's data", "use a number above 0 and below 100, e.g. 0.5");
            }
        } else {
            DataOptions.requireDataset(dataset, dataDir);
            if (scale != null) {
                throw CliError.usage("--scale applies to --dataset synthetic only", "leave --scale out");
            }
        }
        if (k < 1) {
            throw CliError.usage("--k " + k + " is not a cut-off", "use 1 or more, e.g. --k 10");
        }
        if (!List.of("stratified", "time").contains(split)) {
            throw CliError.usage("--split " + split + " is unknown", "use stratified or time");
        }
        if (!(ratio > 0 && ratio < 1)) {
            throw CliError.usage("--ratio " + ratio + " is not a share", "use a number strictly between 0 and 1, e.g. 0.75");
        }
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw CliError.usage("--seed " + seed + " is not a NumPy seed", "use a whole number from 0 to 4294967295, e.g. --seed 42");
        }
        if (tuneBudget != null && (tuneBudget < 0 || tuneBudget > 99_999)) {
            throw CliError.usage("--tune-budget " + tuneBudget + " is not a number of seconds", "use 0 to 99999, e.g. --tune-budget 30");
        }
        if (families != null) {
            for (String f : families.split(",", -1)) {
                if (!FAMILIES.contains(f.trim())) {
                    throw CliError.usage("--families names '" + f + "', which is not a family", "use some of " + String.join(",", FAMILIES));
                }
            }
        }
        List<String> args = new ArrayList<>(List.of("--eval", "--dataset", dataset, "--k", String.valueOf(k), "--split", split,
                "--ratio", String.format(Locale.ROOT, "%s", ratio), "--seed", String.valueOf(seed)));
        if (synthetic) {
            if (scale != null) {
                args.addAll(List.of("--scale", String.format(Locale.ROOT, "%.3f", scale)));
            }
        } else {
            args.addAll(List.of("--data-dir", dataDir.toAbsolutePath().normalize().toString()));
        }
        if (families != null) {
            args.addAll(List.of("--families", families));
        }
        if (tuneBudget != null) {
            args.addAll(List.of("--tune-budget", String.valueOf(tuneBudget)));
        }
        BatchJobs.run(TunetrailCli.config(), BatchJobs.root("eval"), args, "evaluating " + dataset, System.out::println);
        return 0;
    }
}
