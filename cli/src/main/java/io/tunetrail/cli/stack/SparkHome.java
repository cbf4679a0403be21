package io.tunetrail.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The SPARK_HOME the local cluster's master, workers, executors and {@code SparkSubmit} share: Spark's jars from the
 * build under {@code jars/}, and a {@code RELEASE} file, which is how Spark's launcher recognises a distribution (it
 * then takes {@code jars/*} as the executors' classpath instead of looking for a source tree's build folders).
 */
public record SparkHome(Path path) {
    /** The Scala version of the jars; Spark's launcher needs it named when no source tree tells it. */
    public static final String SCALA_VERSION = "2.12";

    /** {@code <cluster home>/spark/home}. */
    static SparkHome under(Path clusterHome) {
        return new SparkHome(clusterHome.resolve("spark").resolve("home"));
    }

    Path jars() {
        return path.resolve("jars");
    }

    /** Lays the jars of {@code <root>/batch-training/target/provided-lib} out as a distribution. */
    void layOut(Path root) throws IOException {
        Path extras = root.resolve("batch-training/target/spark-home-extras");
        List<Path> extraJars;
        try (var s = Files.list(extras)) {
            extraJars = s.filter(p -> p.toString().endsWith(".jar")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            throw io.tunetrail.cli.CliError.environment("the batch-training build is older than the cluster", extras + " is missing",
                    "Rebuild it: ./mvnw -DskipTests package -pl batch-training -am");
        }
        EngineJars.layOut(root.resolve("batch-training/target/provided-lib"), extraJars, jars(), "batch-training");
        Files.createDirectories(path.resolve("conf"));
        Files.writeString(path.resolve("RELEASE"), "Spark " + sparkVersion() + " built for Hadoop 3 (laid out by TuneTrail's"
                + " ./tunetrail cluster from the batch-training module's Maven jars)\n");
    }

    /** True when the jars are in place (a cluster was laid out and may be running from them). */
    boolean laidOut() {
        return Files.isRegularFile(path.resolve("RELEASE")) && Files.isDirectory(jars());
    }

    /** The classpath of Spark's own JVMs. */
    public String classpath() {
        return jars() + "/*";
    }

    /** The environment of every Spark JVM of the cluster, and of the executors the workers start. */
    public Map<String, String> environment() {
        return Map.of("SPARK_HOME", path.toString(), "SPARK_SCALA_VERSION", SCALA_VERSION, "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_CONF_DIR", path.resolve("conf").toString());
    }

    private String sparkVersion() throws IOException {
        try (var s = Files.list(jars())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("spark-core_"))
                    .map(n -> n.replaceAll("^spark-core_[0-9.]+-|\\.jar$", "")).findFirst().orElse("3.5");
        }
    }
}
