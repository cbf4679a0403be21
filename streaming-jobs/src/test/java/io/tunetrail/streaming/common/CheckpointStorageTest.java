package io.tunetrail.streaming.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stream.checkpoint-dir: which folders are accepted, and the Flink keys an s3a:// bucket gets. */
class CheckpointStorageTest {

    private static CheckpointStorage of(String dir, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(extra);
        o.put(PlatformConfig.STREAM_CHECKPOINT_DIR.name(), dir);
        return CheckpointStorage.of(PlatformConfig.load(Map.of(), o));
    }

    private static final Map<String, String> S3 = Map.of(
            PlatformConfig.OFFLINE_S3_ENDPOINT.name(), "http://127.0.0.1:9000",
            PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true",
            PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), "AK",
            PlatformConfig.OFFLINE_S3_SECRET_KEY.name(), "SK-secret");

    @Test
    void anS3aFolderAllowsFlinksHadoopFallbackAndScopesTheOfflineStoresS3SettingsToItsBucket() {
        CheckpointStorage s = of("s3a://ckpts/flink/", S3);
        assertThat(s.directory()).isEqualTo("s3a://ckpts/flink");
        assertThat(s.flinkConf()).containsOnly(
                Map.entry("fs.allowed-fallback-filesystems", "s3a"),
                Map.entry("flink.hadoop.fs.s3a.bucket.ckpts.endpoint", "http://127.0.0.1:9000"),
                Map.entry("flink.hadoop.fs.s3a.bucket.ckpts.connection.ssl.enabled", "false"),
                Map.entry("flink.hadoop.fs.s3a.bucket.ckpts.endpoint.region", "us-east-1"),
                Map.entry("flink.hadoop.fs.s3a.bucket.ckpts.path.style.access", "true"),
                Map.entry("flink.hadoop.fs.s3a.bucket.ckpts.access.key", "AK"),
                Map.entry("flink.hadoop.fs.s3a.bucket.ckpts.secret.key", "SK-secret"));
        Configuration conf = new Configuration();
        s.applyTo(conf);
        assertThat(conf.toMap()).containsAllEntriesOf(s.flinkConf());
        // The settings travel inside StreamSettings, whose toString a log line could print.
        assertThat(s.toString()).contains("s3a://ckpts/flink").doesNotContain("SK-secret");
    }

    @Test
    void localFoldersAndS3NeedNoKeys(@TempDir Path dir) {
        assertThat(of(dir.toString(), Map.of()).directory()).isEqualTo(dir.toUri().toString().replaceAll("/$", ""));
        assertThat(of(dir.toUri().toString(), Map.of()).flinkConf()).isEmpty();
        assertThat(of("", Map.of(PlatformConfig.HOME.name(), dir.toString())).directory())
                .isEqualTo(dir.resolve("flink").resolve("checkpoints").toUri().toString().replaceAll("/$", ""));
        // s3:// is a cluster's Flink S3 plugin (infra/k8s), configured there.
        CheckpointStorage s3 = of("s3://ckpts/flink", S3);
        assertThat(s3.directory()).isEqualTo("s3://ckpts/flink");
        assertThat(s3.flinkConf()).isEmpty();
    }

    @Test
    void aFolderFlinkCannotReachIsRefusedInOneLineNamingTheKey() {
        for (String bad : new String[] {"s3a:///no-bucket", "s3://", "gs://bucket/ckpts", "s3a://bucket name/x"}) {
            assertThatThrownBy(() -> of(bad, S3)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(PlatformConfig.STREAM_CHECKPOINT_DIR.name())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> of("s3a://ckpts/x", Map.of(PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), "AK")))
                .hasMessageContaining(PlatformConfig.OFFLINE_S3_SECRET_KEY.name());
    }
}
