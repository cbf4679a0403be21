package io.tunetrail.streaming.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The newest complete checkpoint, or savepoint, a stopped run left behind, so a run picks up where a killed or stopped one
 * ended.
 *
 * <p>Flink writes {@code <dir>/<job id>/chk-<n>/_metadata} last, when a checkpoint completes, so a directory without it
 * is one the run died while taking. Checkpoints are retained on cancellation and on a crash and discarded when a job
 * finishes, so what is here belongs to a run that did not finish. Only local ({@code file:}) directories are searched;
 * on a cluster, {@code flink run -s} names the checkpoint.
 */
public final class RetainedCheckpoints {
    private static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    /** The newest complete checkpoint or savepoint under {@code directory} (a URI or a path), if any. */
    public static Optional<Path> newest(String directory) {
        Path root;
        if (directory.startsWith("file:")) {
            root = Path.of(URI.create(directory));
        } else if (directory.contains(":")) {
            return Optional.empty();
        } else {
            root = Path.of(directory);
        }
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        // Checkpoints are <job id>/chk-<n>/_metadata; a savepoint a stop took into this folder is savepoint-<id>/_metadata.
        try (Stream<Path> files = Files.find(root, 3, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(METADATA)
                && (p.getParent().getFileName().toString().startsWith("chk-") || p.getParent().getFileName().toString().startsWith("savepoint-")))) {
            return files.max(Comparator.comparing(RetainedCheckpoints::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + root + " for retained checkpoints", e);
        }
    }

    /** Deletes a checkpoint a finished run restored from, if Flink has not already; a run must never restore it twice. */
    public static void discard(Path checkpoint) {
        if (!Files.isDirectory(checkpoint)) {
            return;
        }
        try (Stream<Path> files = Files.walk(checkpoint)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the restored checkpoint " + checkpoint
                    + "; delete it by hand, or the next run restores it again", e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            // Discarded while we looked (a run still going would do that): the oldest possible, never chosen.
            return FileTime.fromMillis(0);
        }
    }
}
