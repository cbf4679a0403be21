package io.tunetrail.cli;

import io.tunetrail.model.PlatformConfig;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./tunetrail}: one verb per subcommand, each with {@code --help}. */
@Command(
        name = "tunetrail",
        mixinStandardHelpOptions = true,
        versionProvider = TunetrailCli.Version.class,
        description = "TuneTrail Platform: run the local stack, load data, stream, train and serve.",
        subcommands = {
            CommandLine.HelpCommand.class,
        })
public final class TunetrailCli {

    private TunetrailCli() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        CommandLine cli = newCommandLine();
        return cli.execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new TunetrailCli());
        for (Object verb : Verbs.all()) {
            cli.addSubcommand(verb);
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            String command = commandLine.getCommandSpec().qualifiedName();
            CliError error = CliError.explain(ex);
            if (error != null) {
                err.println(command + ": " + error.getMessage());
                err.flush();
                return error.exitCode();
            }
            err.println(command + ": unexpected failure (a bug; please report it with this trace)");
            ex.printStackTrace(err);
            err.flush();
            return CliError.FAILED;
        });
        return cli;
    }

    /** Loads the platform configuration: defaults, config file, environment (see {@link PlatformConfig}). */
    public static PlatformConfig config() {
        return PlatformConfig.load();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TunetrailCli.class.getPackage().getImplementationVersion();
            return new String[] {"tunetrail " + (v == null ? "dev" : v)};
        }
    }
}
