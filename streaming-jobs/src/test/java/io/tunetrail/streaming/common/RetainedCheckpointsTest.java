package io.tunetrail.streaming.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which snapshot a run restores, on a local folder (the s3a:// listing goes through the same Flink FileSystem calls;
 * {@code S3aCheckpointsIT} covers it on a bucket).
 */
class RetainedCheckpointsTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private static void snapshot(Path dir, Instant written) throws Exception {
        Files.createDirectories(dir);
        Path metadata = Files.writeString(dir.resolve("_metadata"), "m");
        Files.setLastModifiedTime(metadata, FileTime.from(written));
    }

    @Test
    void theNewestCompleteSnapshotWinsAndOneStillBeingTakenIsSkipped(@TempDir Path root) throws Exception {
        snapshot(root.resolve("job-a/chk-3"), T);
        snapshot(root.resolve("job-b/chk-7"), T.plusSeconds(10));
        // chk-8 died while being taken: no _metadata.
        Files.createDirectories(root.resolve("job-b/chk-8"));
        Files.createDirectories(root.resolve("job-b/shared"));
        assertThat(RetainedCheckpoints.newest(root.toUri().toString())).get().asString().endsWith("job-b/chk-7");

        snapshot(root.resolve("savepoint-1a2b"), T.plusSeconds(20));
        var newest = RetainedCheckpoints.newest(root.toString()).orElseThrow();
        assertThat(newest.getName()).isEqualTo("savepoint-1a2b");
        assertThat(RetainedCheckpoints.isSavepoint(newest)).isTrue();

        RetainedCheckpoints.discard(newest);
        assertThat(Files.exists(root.resolve("savepoint-1a2b"))).isFalse();
        assertThat(RetainedCheckpoints.newest(root.toUri().toString())).get().asString().endsWith("job-b/chk-7");
    }

    @Test
    void checkpointsWrittenInTheSameSecondGoToTheHigherNumber(@TempDir Path root) throws Exception {
        // S3 keeps modification times to the second; a 300 ms interval writes several checkpoints a second.
        snapshot(root.resolve("job/chk-10"), T);
        snapshot(root.resolve("job/chk-9"), T);
        assertThat(RetainedCheckpoints.newest(root.toUri().toString())).get().asString().endsWith("job/chk-10");
    }

    @Test
    void aMissingOrEmptyFolderHasNothingToRestore(@TempDir Path root) {
        assertThat(RetainedCheckpoints.newest(root.resolve("absent").toUri().toString())).isEmpty();
        assertThat(RetainedCheckpoints.newest(root.toUri().toString())).isEmpty();
    }
}
