package io.tunetrail.cli.pkg;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.cli.stack.Exec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail package}: the artefacts infra/docker's images copy, in {@code target/package/}. */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = {"Build the deployable artefacts into target/package/ (what infra/docker's Dockerfiles copy):",
            "tunetrail-api-<version>.tar.gz (bin/tunetrail-api, lib/, config/: runs with only a Java 17 runtime),",
            "tunetrail-streaming-jobs-<version>.jar (flink run) and tunetrail-batch-training-<version>.jar (spark-submit)."})
public final class PackageCommand implements Callable<Integer> {

    @Option(names = "--skip-build", description = "Use the modules as last built instead of running ./mvnw package first.")
    boolean skipBuild;

    @Override
    public Integer call() throws IOException {
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail package");
        }
        if (!skipBuild) {
            build(root);
        }
        Artefacts artefacts = new Artefacts(projectVersion());
        Path out = Artefacts.directory(root);
        Files.createDirectories(out);
        ApiDistribution.build(root, artefacts, out);
        copyJar(root.resolve("streaming-jobs/target/tunetrail-streaming-jobs.jar"), out.resolve(artefacts.streamingJar()));
        copyJar(root.resolve("batch-training/target/tunetrail-batch-training.jar"), out.resolve(artefacts.batchJar()));
        for (String name : artefacts.all()) {
            System.out.printf("%s  %,d bytes%n", out.resolve(name), Files.size(out.resolve(name)));
        }
        return 0;
    }

    private static void build(Path root) {
        List<String> command = List.of(root.resolve("mvnw").toString(), "-q", "-DskipTests", "package",
                "-pl", "console,streaming-jobs,batch-training", "-am");
        System.out.println("  " + String.join(" ", command.subList(1, command.size())));
        Exec.Result r = Exec.run(command, root, Map.of(), null, Duration.ofMinutes(60), System.out::println);
        if (r.exitCode() != 0) {
            throw CliError.failed("building the modules failed", "./mvnw exited with " + r.exitCode(),
                    "See its output above, fix the build and run ./tunetrail package again");
        }
    }

    private static void copyJar(Path jar, Path to) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw CliError.environment("a job jar is not built", jar + " is missing",
                    "Run ./tunetrail package without --skip-build");
        }
        Files.copy(jar, to, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The version the CLI was built as (the parent pom's), filtered into {@code tunetrail/build.properties}. */
    public static String projectVersion() {
        try (InputStream in = PackageCommand.class.getClassLoader().getResourceAsStream("tunetrail/build.properties")) {
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("project.version", "");
            if (version.isBlank() || version.contains("${")) {
                throw new IllegalStateException("project.version was not filled in by the build; rebuild the cli module with ./mvnw");
            }
            return version;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
