package io.tunetrail.store.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioStoreSettingsTest {
    @TempDir
    Path home;

    private PlatformConfig config(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(overrides);
        all.put(PlatformConfig.HOME.name(), home.toString());
        return PlatformConfig.load(Map.of(), all);
    }

    @Test
    void theDefaultIsTheLocalFolderTheBatchSideAlsoReads() {
        AudioStoreSettings s = AudioStoreSettings.from(config(Map.of()));
        assertThat(s.kind()).isEqualTo("local");
        assertThat(Path.of(s.root())).isEqualTo(TrackAudioStore.storeRoot(config(Map.of())));
        assertThat(s.open()).isInstanceOf(LocalAudioObjectStore.class);
    }

    @Test
    void s3SettingsAreReadCheckedAndSurviveSerialisationForSparkExecutors() throws Exception {
        AudioStoreSettings s = AudioStoreSettings.from(config(Map.of("audio.store", "S3", "audio.s3.bucket", "tunes",
                "audio.s3.endpoint", "http://127.0.0.1:9000", "audio.s3.path-style", "true",
                "audio.s3.access-key", "ak", "audio.s3.secret-key", "sk", "api.audio.max-upload-bytes", "1000")));
        assertThat(s).extracting(AudioStoreSettings::kind, AudioStoreSettings::bucket, AudioStoreSettings::pathStyle,
                AudioStoreSettings::maxReadBytes).containsExactly("s3", "tunes", true, 1000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(s);
        }
        assertThat(s.toString()).doesNotContain("sk").contains("s3://tunes");
    }

    @Test
    void badSettingsNameTheKeyToFix() {
        assertThatThrownBy(() -> AudioStoreSettings.from(config(Map.of("audio.store", "ftp")))).isInstanceOf(StoreException.class)
                .hasMessageContaining("audio.store");
        assertThatThrownBy(() -> AudioStoreSettings.from(config(Map.of("audio.store", "s3")))).hasMessageContaining("audio.s3.bucket");
        assertThatThrownBy(() -> AudioStoreSettings.from(config(Map.of("audio.store", "s3", "audio.s3.bucket", "b",
                "audio.s3.endpoint", "file:///etc")))).hasMessageContaining("audio.s3.endpoint");
        assertThatThrownBy(() -> AudioStoreSettings.from(config(Map.of("audio.store", "s3", "audio.s3.bucket", "b",
                "audio.s3.access-key", "only-the-id")))).hasMessageContaining("audio.s3.access-key");
    }
}
