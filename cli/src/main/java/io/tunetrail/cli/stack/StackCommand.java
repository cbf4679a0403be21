package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./tunetrail stack start|stop|status}: the command line of {@link LocalStack}. */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = {
            "The local stack on loopback: Kafka (KRaft), PostgreSQL 15 with pgvector, Redis.",
            "Ports come from the configuration (kafka.bootstrap.servers, kafka.controller.port, postgres.port, redis.port);"
                    + " data, logs and pid files live under the home directory (TUNETRAIL_HOME)."
        })
public final class StackCommand {
    private final Supplier<PlatformConfig> config;

    @Spec
    private CommandSpec spec;

    /** The verb as the CLI registers it: configuration from {@link TunetrailCli#config()}. */
    public StackCommand() {
        this(TunetrailCli::config);
    }

    /** For tests: a stack with this configuration. */
    public StackCommand(Supplier<PlatformConfig> config) {
        this.config = config;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start what is not running and wait until every service answers; create the topics, the database and its schema.")
    int start() {
        stack().start();
        return 0;
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop every service of this home directory and wait until their processes have exited.")
    int stop() {
        stack().stop();
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show each service's address, pid and state. Exit code 0 when all are up, 1 otherwise.")
    int status() {
        LocalStack stack = stack();
        List<ServiceStatus> statuses = stack.status();
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(statuses));
        out.println("home " + stack.home() + ", logs in " + stack.logDirectory());
        out.flush();
        return statuses.stream().allMatch(ServiceStatus::isRunning) ? 0 : CliError.FAILED;
    }

    static String table(List<ServiceStatus> statuses) {
        StringBuilder sb = new StringBuilder(String.format("%-9s %-21s %-8s %s%n", "SERVICE", "ADDRESS", "PID", "STATE"));
        for (ServiceStatus s : statuses) {
            String pid = s.pid().isPresent() ? String.valueOf(s.pid().getAsLong()) : "-";
            sb.append(String.format("%-9s %-21s %-8s %s%n", s.service(), s.address(), pid, s.state().label()));
        }
        return sb.toString();
    }

    private LocalStack stack() {
        PrintWriter out = spec.commandLine().getOut();
        return new LocalStack(config.get(), line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
    }
}
