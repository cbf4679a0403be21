package io.tunetrail.cli.quality;

import io.tunetrail.cli.CommandGroup;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.jobs.BatchJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail quality check}: the data quality checks on the offline store and PostgreSQL. */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Data quality checks on the offline store's Delta tables and PostgreSQL.",
        subcommands = QualityCommand.Check.class)
public final class QualityCommand extends CommandGroup {
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Run the checks and record every result in PostgreSQL's data_quality_results:",
                "freshness (hours since each raw table was landed), row_counts (against the previous run),",
                "nulls and ranges (required columns, negative or future values), referential (interactions whose",
                "track is missing from the catalog), ledger (usage_ledger = sum of usage_daily).",
                "Limits: the quality.* configuration keys. Exits 1 naming the failed checks.",
                "Runs the batch-training jar on Spark local[*]."})
    public static final class Check implements Callable<Integer> {
        @Option(names = "--check", paramLabel = "NAME",
                description = "Only this check: freshness, row_counts, nulls, ranges, referential or ledger.")
        String check;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("--quality"));
            if (check != null) {
                args.addAll(List.of("--check", check));
            }
            BatchJobs.run(TunetrailCli.config(), BatchJobs.root("quality check"), args, "quality check", System.out::println);
            return 0;
        }
    }
}
