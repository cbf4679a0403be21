package io.tunetrail.cli;

import java.util.List;
import picocli.CommandLine;

/** The verbs of {@code ./tunetrail}, in the order {@code --help} lists them. */
final class Verbs {
    private Verbs() {}

    static List<Object> all() {
        return List.of(
                new io.tunetrail.cli.setup.SetupCommand(),
                new io.tunetrail.cli.stack.StackCommand(),
                new io.tunetrail.cli.stack.ClusterCommand(),
                new io.tunetrail.cli.demo.DemoCommand(),
                new TestCommand(),
                new io.tunetrail.cli.data.GenerateCommand(),
                new io.tunetrail.cli.data.ImportCommand(),
                new io.tunetrail.cli.jobs.LandCommand(),
                new io.tunetrail.cli.jobs.StreamCommand(),
                new io.tunetrail.cli.jobs.TrainCommand(),
                new io.tunetrail.cli.jobs.WorkerCommand(),
                new io.tunetrail.cli.jobs.EvalCommand(),
                new io.tunetrail.cli.audio.AnalyzeCommand(),
                new io.tunetrail.cli.quality.QualityCommand(),
                new io.tunetrail.cli.health.HealthCommand(),
                new PeekCommand(),
                new io.tunetrail.cli.serve.ServeCommand(),
                new io.tunetrail.cli.serve.AdminCommand(),
                new io.tunetrail.cli.serve.BillingCommand(),
                new io.tunetrail.cli.sql.SqlCommand(),
                new io.tunetrail.cli.sql.NotebooksCommand(),
                new io.tunetrail.cli.chaos.ChaosCommand(),
                new io.tunetrail.cli.pkg.PackageCommand(),
                bench());
    }

    private static CommandLine bench() {
        CommandLine bench = new CommandLine(new io.tunetrail.cli.bench.BenchCommand());
        for (Object benchmark : io.tunetrail.cli.bench.BenchCommand.subcommands()) {
            bench.addSubcommand(benchmark);
        }
        return bench;
    }
}
