package io.tunetrail.cli.bench;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.jobs.BatchJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench batch}: Spark ALS on two cores against a single-threaded conjugate-gradient ALS on
 * Last.fm-2k (quality first, then time), and the nightly chain's wall time at growing scales. The measuring runs in
 * the batch-training jar ({@code io.tunetrail.batch.bench.BatchBenchmark}); this prints its table and JSON line.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Spark ALS (local[2]) vs a single-threaded conjugate-gradient implicit ALS on Last.fm-2k, same",
            "data, rank, iterations, regularisation and alpha, precision@10 compared first; then the whole nightly",
            "chain on generated data at each --scales (wall time, growth per doubling), in throw-away stores."})
public final class BatchBench implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The Last.fm HetRec 2011 folder (default ../shared/datasets/hetrec2011-lastfm-2k beside the repository).")
    Path dataDir;

    @Option(names = "--rank", defaultValue = "64", description = "ALS factors (default ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--iterations", defaultValue = "10", description = "ALS iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--scales", defaultValue = "1,4,16", paramLabel = "LIST",
            description = "Scales of the chain measurement, comma-separated (default ${DEFAULT-VALUE}); 16 is ~5.7M events "
                    + "and takes long on a 2-core machine. Empty skips it.")
    String scales;

    @Option(names = "--skip-als", description = "Only the chain measurement.")
    boolean skipAls;

    @Option(names = "--skip-mllib", description = "Leave MLlib's block ALS (minutes on 2 cores) out of the ALS comparison: "
            + "the in-memory solver and the baseline only.")
    boolean skipMllib;

    @Override
    public Integer call() {
        if (!skipAls && dataDir != null) {
            requireLastFm(dataDir);
        }
        Path root = BatchJobs.root("bench batch");
        Path dir = dataDir != null ? dataDir : root.resolve("..").resolve("shared").resolve("datasets").resolve("hetrec2011-lastfm-2k");
        List<String> args = new ArrayList<>(List.of("--bench", "--rank", String.valueOf(rank), "--iterations",
                String.valueOf(iterations), "--scales", scales.isBlank() ? "," : scales));
        if (!skipAls) {
            requireLastFm(dir);
            args.addAll(List.of("--data-dir", dir.toAbsolutePath().normalize().toString()));
        }
        if (skipMllib) {
            args.add("--skip-mllib");
        }
        BatchJobs.run(TunetrailCli.config(), root, args, "the batch benchmark", System.out::println);
        return 0;
    }

    private static void requireLastFm(Path dir) {
        if (!Files.isRegularFile(dir.resolve("user_artists.dat"))) {
            throw CliError.usage("the Last.fm-2k data set is not at " + dir, "pass --data-dir DIR, or --skip-als");
        }
    }
}
