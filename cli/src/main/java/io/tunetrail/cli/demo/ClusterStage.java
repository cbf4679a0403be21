package io.tunetrail.cli.demo;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.LocalCluster;
import java.util.EnumSet;

/**
 * {@code demo --cluster}: starts the local Spark standalone and Flink session clusters (or finds them running) so the
 * stream, land and train stages submit the same jars there. The stack's broker, PostgreSQL and Redis stay the ones
 * the jobs use; the clusters keep running afterwards ({@code ./tunetrail cluster stop}).
 */
final class ClusterStage implements DemoStage {
    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public String description() {
        return "start the local Spark standalone cluster (master + 2 workers) and Flink session cluster (JobManager + 2 TaskManagers)";
    }

    @Override
    public void run(DemoContext context) {
        if (context.repositoryRoot() == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run the demo through ./tunetrail demo");
        }
        new LocalCluster(context.config(), context.repositoryRoot(), line -> context.out().println("      " + line))
                .start(EnumSet.of(LocalCluster.Part.SPARK, LocalCluster.Part.FLINK));
    }
}
