package io.tunetrail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaLogStatsTest {
    @Test
    void countsTheRowsOfLiveFilesAndTheirOrgs(@TempDir Path table) throws Exception {
        Path log = Files.createDirectories(table.resolve("_delta_log"));
        Files.writeString(log.resolve("00000000000000000000.json"), String.join("\n",
                "{\"protocol\":{\"minReaderVersion\":1}}",
                "{\"add\":{\"path\":\"org_id=a/f1.parquet\",\"partitionValues\":{\"org_id\":\"a\"},\"stats\":\"{\\\"numRecords\\\":10}\"}}",
                "{\"add\":{\"path\":\"org_id=b/f2.parquet\",\"partitionValues\":{\"org_id\":\"b\"},\"stats\":\"{\\\"numRecords\\\":5}\"}}"));
        // A MERGE rewrote org a's file: the old one is removed, the new one has 12 rows.
        Files.writeString(log.resolve("00000000000000000001.json"), String.join("\n",
                "{\"remove\":{\"path\":\"org_id=a/f1.parquet\"}}",
                "{\"add\":{\"path\":\"org_id=a/f3.parquet\",\"partitionValues\":{\"org_id\":\"a\"},\"stats\":\"{\\\"numRecords\\\":12}\"}}"));
        assertThat(DeltaLogStats.read(table)).contains(new DeltaLogStats(17, 2, 1));
        assertThat(DeltaLogStats.read(table.resolve("missing"))).isEmpty();
    }

    @Test
    void refusesALogWhoseEarlyCommitsWereCleanedUpAfterACheckpoint(@TempDir Path table) throws Exception {
        Path log = Files.createDirectories(table.resolve("_delta_log"));
        // Versions 0-9 live only in the checkpoint now; counting commits 10 and 11 would miss their files.
        Files.writeString(log.resolve("00000000000000000010.checkpoint.parquet"), "PAR1");
        Files.writeString(log.resolve("_last_checkpoint"), "{\"version\":10,\"size\":12}");
        Files.writeString(log.resolve("00000000000000000010.json"),
                "{\"add\":{\"path\":\"org_id=a/f9.parquet\",\"partitionValues\":{\"org_id\":\"a\"},\"stats\":\"{\\\"numRecords\\\":1}\"}}");
        Files.writeString(log.resolve("00000000000000000011.json"), "{\"remove\":{\"path\":\"org_id=a/f1.parquet\"}}");
        assertThatThrownBy(() -> DeltaLogStats.read(table)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("before version 10 were cleaned up");
    }
}
