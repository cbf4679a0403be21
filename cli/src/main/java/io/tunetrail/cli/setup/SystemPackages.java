package io.tunetrail.cli.setup;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The Debian packages the platform needs, which of them are missing ({@code dpkg-query}), and installing them. */
final class SystemPackages {
    /** Needed by the local stack itself. */
    static final List<String> RUNTIME = List.of("redis-server", "postgresql-15", "postgresql-server-dev-15");
    /** Needed only to build pgvector from Debian's source package. */
    static final List<String> PGVECTOR_BUILD = List.of("make", "gcc", "dpkg-dev", "debian-archive-keyring");
    /** Used by the audio-analysis tests: format variants (ffmpeg, sox) and synthetic speech (espeak-ng). */
    static final List<String> AUDIO_TEST_TOOLS = List.of("ffmpeg", "sox", "espeak-ng");
    /** Used by the web console's browser tests (Selenium drives Debian's own browser and driver; nothing is downloaded). */
    static final List<String> BROWSER_TEST_TOOLS = List.of("chromium", "chromium-driver");
    /**
     * Run the notebooks ({@code ./tunetrail notebooks}, NotebooksIT) with Debian's own python3: JPype (the notebooks'
     * JDBC bridge to the SQL endpoint) is not on the pip mirror, and Debian builds these against each other.
     */
    static final List<String> NOTEBOOK_TOOLS = List.of("python3-jpype", "python3-pandas", "python3-matplotlib", "python3-nbclient",
            "python3-ipykernel", "python3-nbconvert");

    private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive", "LC_ALL", "C.UTF-8");

    private final Consumer<String> progress;

    SystemPackages(Consumer<String> progress) {
        this.progress = progress;
    }

    /** The packages to check: the runtime ones, plus the build tools when pgvector must be built. */
    static List<String> wanted(boolean buildPgvector) {
        List<String> all = new ArrayList<>(RUNTIME);
        all.addAll(AUDIO_TEST_TOOLS);
        all.addAll(BROWSER_TEST_TOOLS);
        all.addAll(NOTEBOOK_TOOLS);
        if (buildPgvector) {
            all.addAll(PGVECTOR_BUILD);
        }
        return all;
    }

    /** Which of {@code packages} dpkg does not list as installed. */
    List<String> missing(List<String> packages) {
        List<String> cmd = new ArrayList<>(List.of("dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\\n"));
        cmd.addAll(packages);
        // dpkg-query exits 1 when some package is unknown; the lines it prints for the others still count.
        Exec.Result r = Exec.run(cmd, null, Map.of("LC_ALL", "C"), null, Duration.ofSeconds(30), line -> {});
        return missingFrom(packages, r.tail());
    }

    static List<String> missingFrom(List<String> packages, List<String> dpkgLines) {
        Set<String> installed = new LinkedHashSet<>();
        for (String line : dpkgLines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[1].equals("installed")) {
                // Multi-arch packages print as name:arch.
                installed.add(parts[0].replaceFirst(":.*$", ""));
            }
        }
        return packages.stream().filter(p -> !installed.contains(p)).toList();
    }

    /**
     * Waits for the dpkg lock instead of failing: a fresh cloud VM often runs unattended-upgrades in its first minutes.
     */
    static final String APT_LOCK_WAIT = "DPkg::Lock::Timeout=600";

    /** {@code apt-get update}, then installs {@code packages}, showing each package as it is set up. */
    void install(List<String> packages) {
        progress.accept("  apt-get update");
        Exec.Result update = Exec.run(List.of("apt-get", "-q", "-o", APT_LOCK_WAIT, "update"), null, APT_ENV, null, Duration.ofMinutes(10),
                line -> {
                    if (line.startsWith("E:") || line.startsWith("W:")) {
                        progress.accept("    " + line);
                    }
                });
        if (!update.ok()) {
            throw CliError.failed("apt-get update failed", update.tailText(),
                    "Check the network and /etc/apt/sources.list*, then run setup again");
        }
        progress.accept("  apt-get install " + String.join(" ", packages));
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-q", "-y", "--no-install-recommends", "-o", APT_LOCK_WAIT,
                // Keep an admin's edited config files (a reinstalled redis-server finds its old redis.conf).
                "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold", "install"));
        cmd.addAll(packages);
        Exec.Result r = Exec.run(cmd, null, APT_ENV, null, Duration.ofMinutes(30), line -> {
            if (line.startsWith("Setting up ") || line.startsWith("E:")) {
                progress.accept("    " + line);
            }
        });
        if (!r.ok()) {
            throw CliError.failed("apt-get install failed", r.tailText(),
                    "Run 'apt-get install " + String.join(" ", packages) + "' to see why, fix it, and run setup again");
        }
        List<String> still = missing(packages);
        if (!still.isEmpty()) {
            throw CliError.failed("apt-get reported success but " + still + " are not installed", r.tailText(),
                    "Install them by hand and run setup again");
        }
    }

    /** True on Debian, Ubuntu and their derivatives ({@code /etc/os-release} ID or ID_LIKE). */
    static boolean isDebianLike(String osRelease) {
        if (osRelease == null) {
            return false;
        }
        for (String line : osRelease.lines().toList()) {
            String l = line.trim();
            if (l.startsWith("ID=") || l.startsWith("ID_LIKE=")) {
                String v = l.substring(l.indexOf('=') + 1).replace("\"", "");
                for (String id : v.split("\\s+")) {
                    if (id.equals("debian") || id.equals("ubuntu")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static String osRelease() {
        return Exec.readOrNull(Path.of("/etc/os-release"));
    }

    static boolean hasDpkg() {
        return Exec.which("dpkg-query") != null && Files.isDirectory(Path.of("/var/lib/dpkg"));
    }
}
