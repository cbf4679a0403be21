package io.tunetrail.cli.setup;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds and installs every module ({@code ./mvnw -DskipTests install} at the repository root) when a source is
 * newer than the last successful build, remembered by the modification time of {@code <home>/build.stamp}.
 */
final class MavenBuild {
    /** Directories that never hold build inputs, or hold outputs: skipped by the staleness walk. */
    private static final Set<String> SKIPPED_DIRS = Set.of("target", ".git", ".tunetrail", "node_modules", ".idea", ".vscode",
            "__pycache__", ".ipynb_checkpoints");
    private static final Pattern MODULE = Pattern.compile("^\\[INFO\\] Building (.+?) \\S+\\s+\\[(\\d+)/(\\d+)\\]");

    private final Path root;
    private final Path stamp;
    private final Consumer<String> progress;

    MavenBuild(Path root, Path home, Consumer<String> progress) {
        this.root = root;
        this.stamp = home.resolve("build.stamp");
        this.progress = progress;
    }

    /** The first build input newer than the stamp (or any input when there is no stamp); empty when up to date. */
    Optional<Path> newerInput() {
        FileTime built;
        try {
            built = Files.exists(stamp) ? Files.getLastModifiedTime(stamp) : null;
        } catch (IOException e) {
            built = null;
        }
        Path home = stamp.getParent().toAbsolutePath().normalize();
        FileTime since = built;
        Path[] found = new Path[1];
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && (SKIPPED_DIRS.contains(dir.getFileName().toString())
                            || dir.toAbsolutePath().normalize().equals(home))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (isBuildInput(root.relativize(file)) && (since == null || attrs.lastModifiedTime().compareTo(since) > 0)) {
                        found[0] = file;
                        return FileVisitResult.TERMINATE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root + ": " + e.getMessage(), e);
        }
        return Optional.ofNullable(found[0]);
    }

    /** Poms, anything under a module's {@code src}, the shared schemas and config, and the Maven wrapper's settings. */
    static boolean isBuildInput(Path relative) {
        String first = relative.getName(0).toString();
        if (relative.getFileName().toString().equals("pom.xml")) {
            return true;
        }
        if (first.equals("schemas") || first.equals("config") || first.equals(".mvn")) {
            return true;
        }
        for (Path part : relative) {
            if (part.toString().equals("src")) {
                return true;
            }
        }
        return false;
    }

    /** Runs the build, showing each module as Maven reaches it, and records its start time in the stamp. */
    void build() throws IOException {
        long t0 = System.nanoTime();
        FileTime startedAt = FileTime.fromMillis(System.currentTimeMillis());
        Path mvnw = root.resolve("mvnw");
        if (!Files.isExecutable(mvnw)) {
            throw CliError.environment("cannot build the modules", mvnw + " is missing or not executable",
                    "Run setup from the repository (./tunetrail setup)");
        }
        progress.accept("  ./mvnw -DskipTests install (in " + root + "; the first build downloads dependencies)");
        Exec.Result r = Exec.run(List.of(mvnw.toString(), "-DskipTests", "install"), root, Map.of(), null, Duration.ofMinutes(60),
                line -> {
                    Matcher m = MODULE.matcher(line);
                    if (m.find()) {
                        progress.accept(String.format("    [%s/%s] %s", m.group(2), m.group(3), m.group(1)));
                    } else if (line.startsWith("[ERROR]")) {
                        progress.accept("    " + line);
                    }
                });
        if (!r.ok()) {
            throw CliError.failed("the Maven build failed", r.tailText(),
                    "Run './mvnw -DskipTests install' to see the whole output, fix it, and run setup again");
        }
        Files.createDirectories(stamp.getParent());
        Files.writeString(stamp, "last successful './mvnw -DskipTests install' by tunetrail setup\n");
        // The start time, not the end: a file edited during the build makes the next setup build again.
        Files.setLastModifiedTime(stamp, startedAt);
        progress.accept(String.format("  modules built in %.0f s", (System.nanoTime() - t0) / 1e9));
    }
}
