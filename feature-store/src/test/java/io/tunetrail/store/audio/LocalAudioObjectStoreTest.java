package io.tunetrail.store.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a folder; plus: whatever the ids say, every file lands in the org's own folder under the root. */
class LocalAudioObjectStoreTest extends AudioObjectStoreContract {
    @TempDir
    Path dir;

    @Override
    AudioObjectStore newStore(long maxReadBytes) {
        return new LocalAudioObjectStore(dir.resolve("audio"), maxReadBytes);
    }

    @Override
    boolean holdsAnythingOf(String orgId) {
        return Files.exists(dir.resolve("audio").resolve(AudioObjectKeys.orgPrefix(orgId)));
    }

    @Test
    void everyFileLandsOneFolderBelowTheRootWithItsNameReadable() throws Exception {
        Path root = dir.resolve("audio");
        String key = store().put("org.a", "aud_1.wav", new byte[] {7});
        assertThat(root.resolve(key).getFileName().toString()).isEqualTo("aud_1.wav");
        assertThat(root.resolve(key).getParent().getFileName().toString()).isEqualTo("org.a");
        for (String org : new String[] {"a/../../escaped", "a/../b", "x/./../../../tmp"}) {
            Path written = root.resolve(store().put(org, "../clip.wav", new byte[] {9})).normalize();
            assertThat(written.getParent().getParent()).as(org + " lands one folder below the root").isEqualTo(root);
        }
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).allMatch(p -> p.startsWith(root))).isTrue();
        }
    }
}
