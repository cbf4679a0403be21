package io.tunetrail.streaming.common;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The newest complete checkpoint, or savepoint, a stopped run left behind, so a run picks up where a killed or stopped one
 * ended.
 *
 * <p>Flink writes {@code <dir>/<job id>/chk-<n>/_metadata} last, when a checkpoint completes, so a directory without it
 * is one the run died while taking. Checkpoints are retained on cancellation and on a crash and discarded when a job
 * finishes, so what is here belongs to a run that did not finish. The directory is listed through Flink's own
 * {@link FileSystem}, so a local folder and an {@code s3a://} bucket (see {@link CheckpointStorage}, whose
 * {@code initializeFileSystems} must have run) are searched alike.
 */
public final class RetainedCheckpoints {
    private static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    /** A complete snapshot: its folder, when its metadata was written, and its checkpoint number (0 for a savepoint). */
    private record Snapshot(Path folder, long modified, long number) {}

    /** The newest complete checkpoint or savepoint under {@code directory} (a URI or a local path), if any. */
    public static Optional<Path> newest(String directory) {
        Path root = new Path(directory);
        try {
            FileSystem fs = root.getFileSystem();
            if (!fs.exists(root)) {
                return Optional.empty();
            }
            // Checkpoints are <job id>/chk-<n>/_metadata; a savepoint a stop took into this folder is savepoint-<id>/_metadata.
            Snapshot best = null;
            for (FileStatus top : list(fs, root)) {
                if (!top.isDir()) {
                    continue;
                }
                if (top.getPath().getName().startsWith("savepoint-")) {
                    best = newer(best, complete(fs, top.getPath(), 0));
                    continue;
                }
                for (FileStatus chk : list(fs, top.getPath())) {
                    String name = chk.getPath().getName();
                    if (chk.isDir() && name.startsWith("chk-")) {
                        best = newer(best, complete(fs, chk.getPath(), number(name)));
                    }
                }
            }
            return Optional.ofNullable(best).map(Snapshot::folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + directory + " for retained checkpoints", e);
        }
    }

    /** Deletes a checkpoint a finished run restored from, if Flink has not already; a run must never restore it twice. */
    public static void discard(Path checkpoint) {
        try {
            FileSystem fs = checkpoint.getFileSystem();
            if (fs.exists(checkpoint)) {
                fs.delete(checkpoint, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the restored checkpoint " + checkpoint
                    + "; delete it by hand, or the next run restores it again", e);
        }
    }

    /** Whether {@code snapshot} names a savepoint rather than a checkpoint. */
    public static boolean isSavepoint(Path snapshot) {
        return snapshot.getName().startsWith("savepoint-");
    }

    private static Snapshot complete(FileSystem fs, Path folder, long number) throws IOException {
        try {
            FileStatus metadata = fs.getFileStatus(new Path(folder, METADATA));
            return metadata.isDir() ? null : new Snapshot(folder, metadata.getModificationTime(), number);
        } catch (FileNotFoundException e) {
            // Being taken when the run died, or discarded while we looked (a run still going would do that).
            return null;
        }
    }

    // S3 keeps modification times to the second, and checkpoints come faster: equal times go to the higher number.
    private static final Comparator<Snapshot> ORDER = Comparator.comparingLong(Snapshot::modified).thenComparingLong(Snapshot::number);

    private static Snapshot newer(Snapshot a, Snapshot b) {
        if (a == null) {
            return b;
        }
        return b == null || ORDER.compare(a, b) >= 0 ? a : b;
    }

    private static long number(String chkName) {
        try {
            return Long.parseLong(chkName.substring("chk-".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        try {
            FileStatus[] found = fs.listStatus(dir);
            return found == null ? new FileStatus[0] : found;
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }
}
