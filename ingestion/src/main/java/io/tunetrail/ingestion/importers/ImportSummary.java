package io.tunetrail.ingestion.importers;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How many rows an import read, loaded and rejected, per file and in total, and how fast.
 *
 * <p>For every file {@code read = loaded + rejected}: a row is either used or written to the file's reject file.
 * Blank lines and header lines are not rows. "Loaded" means the row's content went into the catalog or an event; a
 * repeated Spotify track row whose genres were merged into the first one counts as loaded.
 *
 * @param dataset the importer's name
 * @param files one entry per file read, in reading order
 * @param events interaction records emitted
 * @param eventCountTotal the sum of the emitted records' {@code count} (plays they stand for)
 * @param elapsedNanos wall time of the whole import, catalog building included
 */
public record ImportSummary(
        String dataset, List<FileSummary> files, long events, long eventCountTotal, long elapsedNanos) {

    public ImportSummary {
        files = List.copyOf(files);
    }

    /**
     * The counts of one file.
     *
     * @param rejectFile where its bad rows were written; null when there were none
     */
    public record FileSummary(String file, long read, long loaded, long rejected, long elapsedNanos, Path rejectFile) {
        public FileSummary {
            if (read != loaded + rejected) {
                // Cannot happen through ImportRun; guards the invariant the whole summary promises.
                throw new IllegalStateException(
                        file + ": read " + read + " != loaded " + loaded + " + rejected " + rejected);
            }
        }

        public double rowsPerSecond() {
            return ImportSummary.perSecond(read, elapsedNanos);
        }
    }

    /** The summary of one file by name; throws when the import did not read it. */
    public FileSummary file(String name) {
        return files.stream().filter(f -> f.file().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(dataset + " did not read a file named " + name
                        + "; it read " + files.stream().map(FileSummary::file).toList()));
    }

    public long read() {
        return files.stream().mapToLong(FileSummary::read).sum();
    }

    public long loaded() {
        return files.stream().mapToLong(FileSummary::loaded).sum();
    }

    public long rejected() {
        return files.stream().mapToLong(FileSummary::rejected).sum();
    }

    /** Rows read per second of the whole import's wall time. */
    public double rowsPerSecond() {
        return perSecond(read(), elapsedNanos);
    }

    /** A small table for people: one line per file, a total line, and where the reject files are. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        String row = "%-28s %12s %12s %10s %12s%n";
        sb.append(String.format(Locale.ROOT, row, dataset, "read", "loaded", "rejected", "rows/s"));
        for (FileSummary f : files) {
            sb.append(String.format(Locale.ROOT, row, "  " + f.file(), n(f.read()), n(f.loaded()), n(f.rejected()),
                    n(Math.round(f.rowsPerSecond()))));
        }
        sb.append(String.format(Locale.ROOT, row, "  total", n(read()), n(loaded()), n(rejected()),
                n(Math.round(rowsPerSecond()))));
        sb.append(String.format(Locale.ROOT, "  events: %s records standing for %s interactions%n", n(events),
                n(eventCountTotal)));
        for (FileSummary f : files) {
            if (f.rejectFile() != null) {
                sb.append(String.format(Locale.ROOT, "  %s rejected rows of %s: %s%n", n(f.rejected()), f.file(),
                        f.rejectFile()));
            }
        }
        return sb.toString();
    }

    private static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static double perSecond(long rows, long nanos) {
        return nanos <= 0 ? 0.0 : rows * 1e9 / nanos;
    }
}
