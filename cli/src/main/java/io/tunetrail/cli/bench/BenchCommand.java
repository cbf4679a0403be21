package io.tunetrail.cli.bench;

import io.tunetrail.cli.CommandGroup;
import picocli.CommandLine.Command;

/**
 * {@code ./tunetrail bench <what>}: benchmarks that measure a baseline in the same run. Each prints a table and, as
 * its last line, one JSON object whose ratio keys end in {@code _ratio}. Each benchmark is a subcommand listed in
 * {@link #subcommands()}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure a part of the platform against a baseline measured in the same run.",
            "Prints a table, then one JSON line with the figures (ratio keys end in _ratio).",
            "Quote medians and ratios: these machines are shared and noisy."})
public final class BenchCommand extends CommandGroup {
    /** The benchmarks, in the order {@code --help} lists them. */
    public static Object[] subcommands() {
        return new Object[] {new StreamingBenchCommand(), new BatchBench(), new ApiBenchCommand(), new SoakBenchCommand(),
            new VectorBenchCommand(), new IngestBenchCommand(), new AudioBenchCommand()};
    }
}
