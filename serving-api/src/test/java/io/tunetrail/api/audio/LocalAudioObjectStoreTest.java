package io.tunetrail.api.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Org ids may hold '/' and '.': objects must stay in the org's own folder under the root whatever the id says. */
class LocalAudioObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void objectsOfAnOrgLandInItsOwnFolderAndAreDeletedWithIt() throws Exception {
        Path root = dir.resolve("audio");
        LocalAudioObjectStore store = new LocalAudioObjectStore(root);
        store.put("org-a", "x.wav", new byte[] {1, 2, 3});
        store.put("org-b", "x.wav", new byte[] {4});
        assertThat(Files.readAllBytes(store.resolve("org-a", "x.wav"))).containsExactly(1, 2, 3);
        String keyA = store.put("org-a", "y.wav", new byte[] {5, 6});
        assertThat(store.get("org-a", keyA)).containsExactly(5, 6);
        assertThatThrownBy(() -> store.get("org-b", keyA)).as("another org's object").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get("org-b", "org-b/../org-a/y.wav")).isInstanceOf(IllegalArgumentException.class);
        store.deleteOrg("org-a");
        assertThat(Files.exists(store.resolve("org-a", "x.wav"))).isFalse();
        assertThat(Files.readAllBytes(store.resolve("org-b", "x.wav"))).containsExactly(4);
    }

    @Test
    void anObjectKeepsItsNameAndExtensionWhileDotNamesStayInsideTheOrgFolder() throws Exception {
        Path root = dir.resolve("audio");
        LocalAudioObjectStore store = new LocalAudioObjectStore(root);
        String key = store.put("org.a", "aud_1.wav", new byte[] {7});
        assertThat(root.resolve(key).getFileName().toString()).isEqualTo("aud_1.wav");
        assertThat(root.resolve(key).getParent().getFileName().toString()).isEqualTo("org.a");
        for (String name : new String[] {".", "..", "../x", ".hidden"}) {
            Path written = root.resolve(store.put("org-c", name, new byte[] {1})).normalize();
            assertThat(written.getParent()).as(name).isEqualTo(root.resolve("org-c"));
        }
    }

    @Test
    void anOrgIdThatLooksLikeAPathCannotClimbOutOfTheRoot() throws Exception {
        Path root = dir.resolve("audio");
        LocalAudioObjectStore store = new LocalAudioObjectStore(root);
        // Valid ids by the tt_id pattern: they start with an alphanumeric and may contain '/' and '.'.
        for (String org : new String[] {"a/../../escaped", "a/../b", "x/./../../../tmp"}) {
            String key = store.put(org, "clip.wav", new byte[] {9});
            Path written = root.resolve(key).normalize();
            assertThat(written).as(org).startsWith(root);
            assertThat(written.getParent().getParent()).as(org + " lands one folder below the root").isEqualTo(root);
        }
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).allMatch(p -> p.startsWith(root))).isTrue();
        }
    }
}
