package io.tunetrail.cli.setup;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.Exec;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes this machine ready for the platform, doing only what is missing: the Debian packages (Redis, PostgreSQL 15
 * with its server headers), pgvector 0.8.0 built from Debian trixie's source package, and the Maven build of every
 * module when a source changed since the last one. A second run checks and does nothing, in about a second.
 *
 * <p>For callers ({@code ./tunetrail setup}, {@code demo}, {@code test}):
 * {@code new Setup(PlatformConfig.load(), Setup.repositoryRoot(), System.out::println).run(true)}.
 * Installing needs root on Debian or Ubuntu; otherwise {@link #run} prints the exact commands to run and fails with a
 * {@link CliError} of exit code 3. A system Redis or PostgreSQL service the packages may start is left alone: the
 * local stack runs its own on other ports.
 */
public final class Setup {
    private final PlatformConfig config;
    private final Path root;
    private final Consumer<String> progress;

    /**
     * @param root     the repository to build, or null to skip the build (e.g. when not started from {@code ./tunetrail})
     * @param progress receives the steps, one line at a time
     */
    public Setup(PlatformConfig config, Path root, Consumer<String> progress) {
        this.config = config;
        this.root = root;
        this.progress = progress;
    }

    /** The repository root that {@code ./tunetrail} exports as {@code TUNETRAIL_ROOT}, or null. */
    public static Path repositoryRoot() {
        String r = System.getenv("TUNETRAIL_ROOT");
        return r == null || r.isBlank() ? null : Path.of(r).toAbsolutePath().normalize();
    }

    /**
     * Installs and builds what is missing; returns true when it changed anything.
     *
     * @param build whether to run the Maven build when sources are newer than the last build
     * @throws CliError exit code 3 when the machine needs something setup cannot do here (not root, not Debian);
     *                  1 when a step fails
     */
    public boolean run(boolean build) {
        long t0 = System.nanoTime();
        try {
            List<String> done = new ArrayList<>();
            progress.accept("Checking system packages and pgvector...");
            boolean needPgvector = !PgvectorBuild.isInstalled();
            List<String> missing = missingPackages(needPgvector);
            if (!missing.isEmpty() || needPgvector) {
                requireRootOnDebian(missing, needPgvector);
                SystemPackages packages = new SystemPackages(progress);
                if (!missing.isEmpty()) {
                    packages.install(missing);
                    done.add("installed " + String.join(" ", missing));
                }
                if (needPgvector) {
                    new PgvectorBuild(config.home(), progress).install();
                    done.add("built pgvector " + PgvectorBuild.installedVersion());
                }
            } else {
                progress.accept("  packages present: " + String.join(", ", SystemPackages.RUNTIME) + "; pgvector "
                        + PgvectorBuild.installedVersion());
            }
            PythonTools python = new PythonTools(progress);
            List<String> missingPython = python.missing();
            if (!missingPython.isEmpty()) {
                python.install(missingPython);
                done.add("installed " + String.join(" ", missingPython) + " with pip");
            }
            if (build && root != null) {
                MavenBuild maven = new MavenBuild(root, config.home(), progress);
                Optional<Path> newer = maven.newerInput();
                if (newer.isPresent()) {
                    progress.accept("Building the modules (" + root.relativize(newer.get()) + " is newer than the last build)...");
                    maven.build();
                    done.add("built the modules");
                } else {
                    progress.accept("  modules up to date (no source newer than " + config.home().resolve("build.stamp") + ")");
                }
            } else if (build) {
                progress.accept("  not started from ./tunetrail (TUNETRAIL_ROOT is unset): skipping the Maven build");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (done.isEmpty()) {
                progress.accept(String.format("Setup: nothing to do, everything is in place (%.1f s).", secs));
                return false;
            }
            progress.accept(String.format("Setup done in %.1f s: %s.", secs, String.join("; ", done)));
            return true;
        } catch (IOException e) {
            throw CliError.failed("setup failed", e.toString(), "Check permissions on " + config.home() + " and run setup again");
        } catch (UncheckedIOException e) {
            throw CliError.failed("setup failed", e.getMessage(), "Check permissions and run setup again");
        }
    }

    /** Missing packages via dpkg on Debian; elsewhere the programs the stack looks for, by their paths. */
    private List<String> missingPackages(boolean needPgvector) {
        List<String> wanted = SystemPackages.wanted(needPgvector);
        if (SystemPackages.hasDpkg()) {
            return new SystemPackages(progress).missing(wanted);
        }
        List<String> missing = new ArrayList<>();
        if (Exec.which("redis-server") == null) {
            missing.add("redis-server");
        }
        if (!java.nio.file.Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres"))) {
            missing.add("postgresql-15");
        }
        if (!java.nio.file.Files.isExecutable(PgvectorBuild.PG_CONFIG)) {
            missing.add("postgresql-server-dev-15");
        }
        return missing;
    }

    private void requireRootOnDebian(List<String> missing, boolean needPgvector) {
        boolean debian = SystemPackages.isDebianLike(SystemPackages.osRelease()) && SystemPackages.hasDpkg();
        boolean root = Exec.isRoot();
        if (debian && root) {
            return;
        }
        String why = debian ? "installing needs root" : "this machine is not Debian or Ubuntu, and setup only knows apt";
        progress.accept("Setup cannot install here (" + why + "). What is missing, and how to install it by hand:");
        if (!missing.isEmpty()) {
            progress.accept("  sudo apt-get install -y " + String.join(" ", missing));
        }
        if (needPgvector) {
            progress.accept("  pgvector 0.8.0 for PostgreSQL 15, from Debian trixie's source package:");
            for (String line : PgvectorBuild.manualCommands()) {
                progress.accept("    " + line);
            }
        }
        if (!debian) {
            progress.accept("  (elsewhere: Redis 7 with redis-server on the PATH, PostgreSQL 15 with its programs in "
                    + "/usr/lib/postgresql/15/bin, and pgvector 0.8.0 built against it)");
        }
        throw CliError.environment("setup cannot install " + describe(missing, needPgvector), why,
                debian ? "Run it as root (sudo ./tunetrail setup), or run the commands above" : "Install them by hand as listed above");
    }

    private static String describe(List<String> missing, boolean needPgvector) {
        List<String> parts = new ArrayList<>(missing);
        if (needPgvector) {
            parts.add("pgvector");
        }
        return String.join(", ", parts);
    }
}
