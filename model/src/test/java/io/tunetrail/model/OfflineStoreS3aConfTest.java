package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineStoreS3aConfTest {
    @TempDir
    Path home;

    private PlatformConfig config(Map<String, String> overrides) {
        Map<String, String> o = new HashMap<>(overrides);
        o.put(PlatformConfig.HOME.name(), home.toString());
        return PlatformConfig.load(Map.of(), o);
    }

    @Test
    void aLocalStoreNeedsNoS3aSettings() {
        assertThat(OfflineStoreS3aConf.hadoopConf(config(Map.of()))).isEmpty();
        assertThat(OfflineStoreS3aConf.hadoopConf(config(Map.of(PlatformConfig.OFFLINE_STORE.name(), "/data/lake")))).isEmpty();
    }

    @Test
    void settingsAreScopedToTheStoresBucket() {
        Map<String, String> conf = OfflineStoreS3aConf.hadoopConf(config(Map.of(
                PlatformConfig.OFFLINE_STORE.name(), "s3a://lake-1/prefix",
                PlatformConfig.OFFLINE_S3_ENDPOINT.name(), "http://127.0.0.1:9000",
                PlatformConfig.OFFLINE_S3_PATH_STYLE.name(), "true",
                PlatformConfig.OFFLINE_S3_REGION.name(), "eu-west-3",
                PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), "AK",
                PlatformConfig.OFFLINE_S3_SECRET_KEY.name(), "SK")));
        assertThat(conf).containsOnly(
                Map.entry("fs.s3a.bucket.lake-1.endpoint", "http://127.0.0.1:9000"),
                Map.entry("fs.s3a.bucket.lake-1.connection.ssl.enabled", "false"),
                Map.entry("fs.s3a.bucket.lake-1.endpoint.region", "eu-west-3"),
                Map.entry("fs.s3a.bucket.lake-1.path.style.access", "true"),
                Map.entry("fs.s3a.bucket.lake-1.access.key", "AK"),
                Map.entry("fs.s3a.bucket.lake-1.secret.key", "SK"));
    }

    @Test
    void withoutKeysS3aUsesItsDefaultCredentialsChain() {
        Map<String, String> conf = OfflineStoreS3aConf.hadoopConf(config(Map.of(PlatformConfig.OFFLINE_STORE.name(), "s3a://lake-1/p")));
        assertThat(conf).doesNotContainKeys("fs.s3a.bucket.lake-1.access.key", "fs.s3a.bucket.lake-1.secret.key",
                "fs.s3a.bucket.lake-1.endpoint");
        assertThat(conf).containsEntry("fs.s3a.bucket.lake-1.endpoint.region", "us-east-1");
    }

    @Test
    void halfACredentialOrNoBucketIsRefused() {
        assertThatThrownBy(() -> OfflineStoreS3aConf.hadoopConf(config(Map.of(PlatformConfig.OFFLINE_STORE.name(), "s3a://lake-1/p",
                PlatformConfig.OFFLINE_S3_ACCESS_KEY.name(), "AK"))))
                .hasMessageContaining("offline.s3.secret-key").hasMessageContaining("TUNETRAIL_OFFLINE_S3_SECRET_KEY");
        assertThatThrownBy(() -> OfflineStoreS3aConf.hadoopConf(config(Map.of(PlatformConfig.OFFLINE_STORE.name(), "s3a:///lake"))))
                .hasMessageContaining("names no bucket");
    }
}
