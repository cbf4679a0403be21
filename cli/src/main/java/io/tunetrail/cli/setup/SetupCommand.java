package io.tunetrail.cli.setup;

import io.tunetrail.cli.TunetrailCli;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./tunetrail setup}: the command line of {@link Setup}. */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        description = {
            "Install what is missing and build the modules; a second run does nothing.",
            "As root on Debian/Ubuntu: installs redis-server, postgresql-15 and postgresql-server-dev-15 with apt-get,"
                    + " builds pgvector 0.8.0 from Debian trixie's source package, then runs ./mvnw -DskipTests install"
                    + " when sources changed since the last build.",
            "Not root, or not Debian/Ubuntu: prints the commands to run by hand and exits with 3."
        })
public final class SetupCommand implements Callable<Integer> {

    @Option(names = "--skip-build", description = "Install system packages and pgvector only; do not run the Maven build.")
    boolean skipBuild;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        new Setup(TunetrailCli.config(), Setup.repositoryRoot(), line -> {
            out.println(line);
            out.flush();
        }).run(!skipBuild);
        return 0;
    }
}
