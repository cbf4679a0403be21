package io.tunetrail.ingestion.importers;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Every error an import reports to a person, in one place: what went wrong, why, and what to do.
 *
 * <p>They are {@link IllegalArgumentException}s because each is caused by what the caller pointed the importer at
 * (a name, a directory, a file); the CLI prints their message as a usage error. Bad rows are not errors: they are
 * rejected and counted (see {@link ImportSummary}).
 */
final class ImportErrors {
    private ImportErrors() {}

    static IllegalArgumentException unknownDataset(String name, Collection<String> known) {
        return new IllegalArgumentException("unknown data set '" + name + "': the known data sets are "
                + String.join(", ", known) + ". Pass one of these names");
    }

    static IllegalArgumentException notADirectory(String dataset, Path dir) {
        return new IllegalArgumentException(dataset + ": " + dir.toAbsolutePath() + " is not a directory. "
                + "Point the import at the folder holding the unpacked data set files");
    }

    static IllegalArgumentException missingFile(String dataset, Path dir, String file, List<String> required) {
        return new IllegalArgumentException(dataset + ": required file " + file + " is missing from "
                + dir.toAbsolutePath() + " (this importer reads " + String.join(", ", required)
                + "). Point the import at the folder holding the unpacked data set");
    }

    static IllegalArgumentException noMovieLensLayout(Path dir) {
        return new IllegalArgumentException("movielens: " + dir.toAbsolutePath() + " holds neither ratings.csv "
                + "(ml-latest layout, with movies.csv) nor u.data (ml-100k layout, with u.item). Point the import at "
                + "an unpacked MovieLens folder such as ml-latest-small or ml-100k");
    }

    static IllegalArgumentException bothMovieLensLayouts(Path dir) {
        return new IllegalArgumentException("movielens: " + dir.toAbsolutePath() + " holds both ratings.csv "
                + "(ml-latest) and u.data (ml-100k), so it is unclear which release to import. Point the import at a "
                + "folder with only one of them");
    }

    static IllegalArgumentException missingHeader(String dataset, Path file, List<String> expected) {
        return new IllegalArgumentException(dataset + ": " + file.toAbsolutePath() + " is empty or its first line "
                + "is unreadable, but it must start with the header " + expected + ". Check that it is the right file "
                + "and not truncated");
    }

    static IllegalArgumentException missingColumns(String dataset, Path file, List<String> missing, List<String> header) {
        return new IllegalArgumentException(dataset + ": " + file.toAbsolutePath() + " lacks the column(s) " + missing
                + " (its header is " + header + "). Check that it is the right file of the right release");
    }

    static IllegalArgumentException badOrgId(String orgId) {
        return new IllegalArgumentException("org id '" + orgId + "' cannot be used: ids must match "
                + io.tunetrail.model.Ids.PATTERN + " and have at most " + Ids.MAX_LENGTH + " characters. Choose another org id");
    }
}
