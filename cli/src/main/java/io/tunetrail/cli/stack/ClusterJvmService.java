package io.tunetrail.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One JVM of the local cluster (a Spark master or worker, a Flink JobManager or TaskManager, a Kafka node). Its
 * command line carries a marker naming its folder under {@code <home>/cluster}, which is how {@link #isOurs} tells it
 * from the same program started by anybody else (another home, another helper's cluster, the stack's broker).
 */
abstract class ClusterJvmService extends JvmService {
    private final String name;

    ClusterJvmService(StackLayout layout, Consumer<String> progress, String classpath, String name) {
        super(layout, progress, classpath);
        this.name = name;
    }

    @Override
    String name() {
        return name;
    }

    @Override
    String startCommand() {
        return "tunetrail cluster start";
    }

    /** The folder of this process (work dir, data). */
    Path directory() {
        return layout.home().resolve(name);
    }

    @Override
    Path pidFile() {
        return directory().resolve(name + ".pid");
    }

    String marker() {
        return "-Dtunetrail.cluster.node=" + directory();
    }

    @Override
    boolean isOurs(ProcessHandle p) {
        String cmd = commandLine(p) + " ";
        return cmd.contains(mainClass() + " ") && cmd.contains(marker() + " ");
    }

    @Override
    void checkInstalled() {
        // The jars come from the build; LocalCluster checks them before laying out SPARK_HOME or Flink's lib.
    }

    /** Launches {@link #mainClass()} with the marker first among the JVM options. */
    void launchNode(List<String> jvmOptions, List<String> args, Map<String, String> env, Duration timeout) throws Exception {
        Files.createDirectories(directory());
        List<String> options = new java.util.ArrayList<>();
        options.add(marker());
        options.addAll(jvmOptions);
        launch(directory(), options, args, env, timeout, () -> "");
    }
}
