package io.tunetrail.cli.stack;

import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the local stack keeps its files: under the configured home directory, except PostgreSQL's in one case.
 *
 * <p>As root, PostgreSQL runs as the {@code postgres} OS user, which must be able to walk to its data directory. A
 * repository under {@code /root} (mode 0700 on Debian) is out of its reach, so there, and only there, the cluster lives
 * in {@code /var/lib/tunetrail/postgres-<hash of the home path>}: one per home, found again from the home alone.
 */
record StackLayout(Path home, PlatformConfig config, Path postgres) {
    static final Path RELOCATED_POSTGRES_ROOT = Path.of("/var/lib/tunetrail");

    static StackLayout of(PlatformConfig config) {
        Path home = config.home();
        boolean relocate = Exec.isRoot() && !searchableByOthers(home.getParent());
        Path postgres = relocate ? RELOCATED_POSTGRES_ROOT.resolve("postgres-" + shortHash(home.toString())) : home.resolve("postgres");
        return new StackLayout(home, config, postgres);
    }

    /**
     * The layout of the local cluster ({@code ./tunetrail cluster}): a folder of its own under the home, so its logs,
     * pid files and lock never mix with the stack's. It runs no PostgreSQL; that path is never created.
     */
    static StackLayout cluster(PlatformConfig config) {
        Path home = config.home().resolve("cluster");
        return new StackLayout(home, config, home.resolve("no-postgres"));
    }

    /** Whether every directory from {@code dir} up to the root lets other users pass through. */
    static boolean searchableByOthers(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** True when PostgreSQL's files live outside the home (see the class comment). */
    boolean postgresRelocated() {
        return !postgres.startsWith(home);
    }

    Path kafka() {
        return home.resolve("kafka");
    }

    Path redis() {
        return home.resolve("redis");
    }

    Path logs() {
        return home.resolve("logs");
    }

    /** PostgreSQL's server log, written by the server's own OS user: beside its data when that had to move. */
    Path postgresLog() {
        return postgresRelocated() ? postgres.resolve("postgres.log") : logs().resolve("postgres.log");
    }

    /** Held while starting or stopping, so two commands never race on the same processes. */
    Path lockFile() {
        return home.resolve("stack.lock");
    }

    void createDirectories() throws IOException {
        Files.createDirectories(logs());
        Files.createDirectories(kafka());
        Files.createDirectories(postgres());
        Files.createDirectories(redis());
    }

    private static String shortHash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is missing from this JVM", e));
        }
    }
}
