package io.tunetrail.ingestion.importers;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real public data sets of {@code ../shared/datasets/} (never copied into the repository, see its
 * SOURCES.md): from the system property or environment variable {@code TUNETRAIL_DATASETS}, else the first
 * {@code shared/datasets} folder found walking up from the working directory.
 */
final class SharedDatasets {
    static final String VARIABLE = "TUNETRAIL_DATASETS";

    private SharedDatasets() {}

    /** The data set folder {@code name}; skips the calling test, saying why, when it is absent. */
    static Path require(String name) {
        String configured = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        Path root;
        String where;
        if (configured != null && !configured.isBlank()) {
            root = Path.of(configured);
            where = VARIABLE + "=" + configured;
        } else {
            root = findAbove(Path.of("").toAbsolutePath());
            where = root == null ? "no shared/datasets above " + Path.of("").toAbsolutePath() + " and " + VARIABLE
                    + " unset" : "looked in " + root;
        }
        Path dir = root == null ? null : root.resolve(name);
        assumeTrue(dir != null && Files.isDirectory(dir),
                () -> "shared data set " + name + " is absent (" + where + "); skipping the test on real data");
        return dir;
    }

    private static Path findAbove(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
