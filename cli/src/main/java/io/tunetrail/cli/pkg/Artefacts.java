package io.tunetrail.cli.pkg;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ./tunetrail package} writes to {@code target/package/}: exactly the files infra/docker's Dockerfiles
 * copy (a test keeps the two in step), named with the project's version.
 *
 * @param version the project version the modules were built as
 */
public record Artefacts(String version) {
    /** The API's folder inside its tarball: {@code bin/tunetrail-api}, {@code lib/*.jar}, {@code config/}. */
    public String apiFolder() {
        return "tunetrail-api-" + version;
    }

    public String apiTarball() {
        return apiFolder() + ".tar.gz";
    }

    /** The streaming-jobs module's shaded jar (its pom's finalName), for {@code flink run} or a FlinkDeployment. */
    public String streamingJar() {
        return "tunetrail-streaming-jobs-" + version + ".jar";
    }

    /** The batch-training module's shaded jar, for {@code spark-submit}. */
    public String batchJar() {
        return "tunetrail-batch-training-" + version + ".jar";
    }

    public List<String> all() {
        return List.of(apiTarball(), streamingJar(), batchJar());
    }

    /** {@code target/package} of the repository. */
    public static Path directory(Path root) {
        return root.resolve("target").resolve("package");
    }
}
