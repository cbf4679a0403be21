package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.model.PlatformConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code ./tunetrail cluster start|stop|status [--spark] [--flink] [--kafka]}: the command line of {@link LocalCluster}. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Real multi-process clusters on loopback, apart from the local stack: a Spark standalone master and",
            "two workers, a Flink session cluster (JobManager + two TaskManagers), three KRaft Kafka nodes (replication 3,",
            "min.insync.replicas 2). Ports from the cluster.* keys; pids, logs and data under <home>/cluster.",
            "Without --spark, --flink or --kafka, all three. 'train --cluster' and 'stream --cluster' submit the jobs' jars."})
public final class ClusterCommand implements Callable<Integer> {
    private static final List<String> ACTIONS = List.of("start", "stop", "status");

    private final Supplier<PlatformConfig> config;
    private final Supplier<Path> root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "start, stop or status")
    String action;

    @Option(names = "--spark", description = "The Spark standalone master and its two workers.")
    boolean spark;

    @Option(names = "--flink", description = "The Flink JobManager and its two TaskManagers.")
    boolean flink;

    @Option(names = "--kafka", description = "The three Kafka nodes.")
    boolean kafka;

    // Collected instead of picocli's multi-line usage dump, so a wrong flag gets one line like every other error.
    @Unmatched
    List<String> unknown = new ArrayList<>();

    /** The verb as the CLI registers it. */
    public ClusterCommand() {
        this(TunetrailCli::config, Setup::repositoryRoot);
    }

    /** For tests: a cluster of this configuration, with the engines' jars of this repository. */
    public ClusterCommand(Supplier<PlatformConfig> config, Supplier<Path> root) {
        this.config = config;
        this.root = root;
    }

    @Override
    public Integer call() {
        if (!unknown.isEmpty()) {
            throw CliError.usage("unknown argument '" + unknown.get(0) + "' for cluster",
                    "use: tunetrail cluster start|stop|status [--spark] [--flink] [--kafka]");
        }
        if (action == null || !ACTIONS.contains(action)) {
            throw CliError.usage(action == null ? "cluster needs an action" : "unknown cluster action '" + action + "'",
                    "use: tunetrail cluster start|stop|status [--spark] [--flink] [--kafka]");
        }
        Set<LocalCluster.Part> parts = parts();
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster cluster = new LocalCluster(config.get(), root.get(), line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        switch (action) {
            case "start" -> {
                cluster.start(parts);
                printEndpoints(cluster, parts, out);
            }
            case "stop" -> {
                if (!cluster.stop(parts)) {
                    out.println("Local cluster was not running: nothing to stop.");
                }
            }
            default -> {
                List<ServiceStatus> statuses = cluster.status(parts);
                out.print(table(statuses));
                printEndpoints(cluster, parts, out);
                out.flush();
                return statuses.stream().allMatch(ServiceStatus::isRunning) ? 0 : CliError.FAILED;
            }
        }
        out.flush();
        return 0;
    }

    Set<LocalCluster.Part> parts() {
        Set<LocalCluster.Part> parts = EnumSet.noneOf(LocalCluster.Part.class);
        if (spark) {
            parts.add(LocalCluster.Part.SPARK);
        }
        if (flink) {
            parts.add(LocalCluster.Part.FLINK);
        }
        if (kafka) {
            parts.add(LocalCluster.Part.KAFKA);
        }
        return parts.isEmpty() ? EnumSet.allOf(LocalCluster.Part.class) : parts;
    }

    private static void printEndpoints(LocalCluster cluster, Set<LocalCluster.Part> parts, PrintWriter out) {
        if (parts.contains(LocalCluster.Part.SPARK)) {
            out.println("spark master " + cluster.sparkMasterUrl() + " (status " + cluster.sparkStatusUrl() + ")");
        }
        if (parts.contains(LocalCluster.Part.FLINK)) {
            out.println("flink REST   " + cluster.flinkRestUrl());
        }
        if (parts.contains(LocalCluster.Part.KAFKA)) {
            out.println("kafka        " + cluster.kafkaBootstrap());
        }
        out.println("home " + cluster.home() + ", logs in " + cluster.logDirectory());
    }

    static String table(List<ServiceStatus> statuses) {
        StringBuilder sb = new StringBuilder(String.format("%-19s %-21s %-8s %s%n", "PROCESS", "ADDRESS", "PID", "STATE"));
        for (ServiceStatus s : statuses) {
            String pid = s.pid().isPresent() ? String.valueOf(s.pid().getAsLong()) : "-";
            sb.append(String.format("%-19s %-21s %-8s %s%n", s.service(), s.address(), pid, s.state().label()));
        }
        return sb.toString();
    }
}
