package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * An engine's jars (Spark's or Flink's, the job module's {@code target/provided-lib}) laid into a folder of the local
 * cluster. Hard links where the file system allows, else copies: either way a rebuild, which replaces the files in
 * {@code target/}, never changes the jars under a running cluster.
 */
final class EngineJars {
    private EngineJars() {}

    /** Fills {@code into} (emptied first) with the jars of {@code providedLib}, plus {@code extra}. */
    static void layOut(Path providedLib, List<Path> extra, Path into, String module) throws IOException {
        if (!Files.isDirectory(providedLib)) {
            throw CliError.environment("the " + module + " jars are not built", providedLib + " is missing",
                    "Run ./tunetrail setup (or ./mvnw -DskipTests package -pl " + module + " -am)");
        }
        if (Files.isDirectory(into)) {
            try (Stream<Path> old = Files.list(into)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(into);
        List<Path> jars;
        try (Stream<Path> s = Files.list(providedLib)) {
            jars = Stream.concat(s.filter(p -> p.toString().endsWith(".jar")), extra.stream()).toList();
        }
        for (Path jar : jars) {
            Path target = into.resolve(jar.getFileName());
            try {
                Files.createLink(target, jar.toRealPath());
            } catch (FileSystemException | UnsupportedOperationException e) {
                Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The jar of the CLI's own classpath whose file name starts with {@code prefix} (slf4j-simple for Flink's logs). */
    static Path fromOwnClasspath(String classpath, String prefix) {
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().startsWith(prefix) && entry.endsWith(".jar")) {
                return p;
            }
        }
        throw CliError.environment("cannot lay out the cluster's jars", prefix + "*.jar is not on the CLI's classpath",
                "Rebuild the CLI: ./mvnw -DskipTests install -pl cli -am");
    }
}
