package io.tunetrail.cli.setup;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.FileTrees;
import io.tunetrail.cli.stack.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * pgvector for PostgreSQL 15, built from Debian trixie's own source package (bookworm has none, and trixie's binary
 * needs a newer glibc: STACK.md gotcha 10).
 *
 * <p>{@code apt-get source} runs with a private apt configuration under {@code <home>/setup/apt}: its own source
 * list (trixie deb-src only, signed by the Debian archive keyring), no source parts, its own package lists and
 * cache. The system's apt sources, lists and caches stay exactly as they were.
 */
final class PgvectorBuild {
    static final Path PG_CONFIG = Path.of("/usr/lib/postgresql/15/bin/pg_config");
    static final Path CONTROL = Path.of("/usr/share/postgresql/15/extension/vector.control");
    static final Path LIBRARY = Path.of("/usr/lib/postgresql/15/lib/vector.so");
    static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
    static final String SOURCE_LINE = "deb-src [signed-by=" + KEYRING + "] http://deb.debian.org/debian trixie main";

    private static final Pattern COMPILE = Pattern.compile("-c -o (\\S+)\\.o ");
    private static final Pattern DEFAULT_VERSION = Pattern.compile("default_version\\s*=\\s*'([^']+)'");

    private final Path buildDir;
    private final Consumer<String> progress;

    PgvectorBuild(Path home, Consumer<String> progress) {
        this.buildDir = home.resolve("setup");
        this.progress = progress;
    }

    /** Installed when the extension's control file and library are both in PostgreSQL 15's directories. */
    static boolean isInstalled() {
        return Files.exists(CONTROL) && Files.exists(LIBRARY);
    }

    /** The installed version from the control file, or "?" . */
    static String installedVersion() {
        String control = Exec.readOrNull(CONTROL);
        Matcher m = DEFAULT_VERSION.matcher(control == null ? "" : control);
        return m.find() ? m.group(1) : "?";
    }

    /** The options that point apt at the private configuration instead of the system's. */
    List<String> aptOptions() {
        Path apt = buildDir.resolve("apt");
        return List.of(
                "-o", "Dir::Etc::SourceList=" + apt.resolve("sources.list"),
                "-o", "Dir::Etc::SourceParts=" + apt.resolve("sources.list.d"),
                "-o", "Dir::State::Lists=" + apt.resolve("lists"),
                "-o", "Dir::Cache=" + apt.resolve("cache"),
                "-o", "Acquire::Languages=none",
                // apt drops to the _apt user for downloads, which may not be able to enter the home directory.
                "-o", "APT::Sandbox::User=root");
    }

    void install() throws IOException {
        long t0 = System.nanoTime();
        FileTrees.deleteRecursively(buildDir.resolve("pgvector"));
        Path apt = buildDir.resolve("apt");
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.createDirectories(apt.resolve("lists").resolve("partial"));
        Files.createDirectories(apt.resolve("cache").resolve("archives").resolve("partial"));
        Files.writeString(apt.resolve("sources.list"), SOURCE_LINE + "\n");
        Path src = Files.createDirectories(buildDir.resolve("pgvector"));

        progress.accept("  fetching the trixie source index (private apt lists in " + apt + ")");
        List<String> update = new ArrayList<>(List.of("apt-get", "-q"));
        update.addAll(aptOptions());
        update.add("update");
        check(run(update, src, line -> line.startsWith("Get:") || line.startsWith("Err:")), "apt-get update (trixie deb-src)");

        progress.accept("  apt-get source pgvector");
        List<String> source = new ArrayList<>(List.of("apt-get", "-q"));
        source.addAll(aptOptions());
        source.addAll(List.of("source", "--only-source", "pgvector"));
        check(run(source, src, line -> line.startsWith("Get:") || line.contains("extracting")), "apt-get source pgvector");

        Path tree;
        try (Stream<Path> s = Files.list(src)) {
            tree = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("pgvector-")).findFirst()
                    .orElseThrow(() -> CliError.failed("apt-get source pgvector unpacked nothing", "no pgvector-* directory in " + src,
                            "Check that dpkg-dev is installed and run setup again"));
        }
        String version = tree.getFileName().toString().substring("pgvector-".length());
        int jobs = Math.max(1, Runtime.getRuntime().availableProcessors());
        progress.accept("  building pgvector " + version + " against " + PG_CONFIG + " (make -j" + jobs + ", with_llvm=no, portable OPTFLAGS)");
        // OPTFLAGS="" drops -march=native, which would tie the library to this CPU.
        List<String> make = List.of("make", "-j" + jobs, "PG_CONFIG=" + PG_CONFIG, "with_llvm=no", "OPTFLAGS=");
        check(run(make, tree, line -> {
            Matcher m = COMPILE.matcher(line);
            if (m.find()) {
                progress.accept("    compiling " + m.group(1) + ".c");
            }
            return line.contains("error:");
        }), "make (pgvector)");
        progress.accept("  make install");
        check(run(List.of("make", "install", "PG_CONFIG=" + PG_CONFIG, "with_llvm=no", "OPTFLAGS="), tree, line -> false),
                "make install (pgvector)");
        if (!isInstalled()) {
            throw CliError.failed("pgvector was built but is not installed", CONTROL + " or " + LIBRARY + " is missing",
                    "Run 'make install' in " + tree + " to see why");
        }
        FileTrees.deleteRecursively(buildDir);
        progress.accept(String.format("  pgvector %s installed in %.1f s", installedVersion(), (System.nanoTime() - t0) / 1e9));
    }

    private Exec.Result run(List<String> cmd, Path dir, java.util.function.Predicate<String> show) {
        return Exec.run(cmd, dir, Map.of("LC_ALL", "C.UTF-8", "DEBIAN_FRONTEND", "noninteractive"), null, Duration.ofMinutes(15),
                line -> {
                    if (show.test(line)) {
                        progress.accept("    " + line);
                    }
                });
    }

    private void check(Exec.Result r, String step) {
        if (!r.ok()) {
            throw CliError.failed(step + " failed (exit " + r.exitCode() + ")", r.tailText(),
                    "The build directory " + buildDir + " is kept for inspection; fix the cause and run setup again");
        }
    }

    /** The commands a person runs by hand when setup cannot (not root). */
    static List<String> manualCommands() {
        String opts = "-o Dir::Etc::SourceList=/tmp/pgvector-src/sources.list -o Dir::Etc::SourceParts=/tmp/pgvector-src/parts"
                + " -o Dir::State::Lists=/tmp/pgvector-src/lists -o Dir::Cache=/tmp/pgvector-src/cache";
        return List.of(
                "mkdir -p /tmp/pgvector-src/parts /tmp/pgvector-src/lists/partial /tmp/pgvector-src/cache/archives/partial && cd /tmp/pgvector-src",
                "echo '" + SOURCE_LINE + "' > sources.list",
                "apt-get " + opts + " update && apt-get " + opts + " source pgvector",
                "cd pgvector-0.8.* && make with_llvm=no OPTFLAGS=\"\" PG_CONFIG=" + PG_CONFIG + " && sudo make install PG_CONFIG=" + PG_CONFIG);
    }
}
