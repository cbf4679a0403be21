package io.tunetrail.store.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AudioObjectStore} must do, run against each implementation (a subclass per backend): the same keys,
 * the same refusals, the same deletion.
 */
abstract class AudioObjectStoreContract {
    static final long MAX = 64;

    private AudioObjectStore store;

    /** A fresh, empty store reading at most {@code maxReadBytes} per object. */
    abstract AudioObjectStore newStore(long maxReadBytes) throws Exception;

    /** Whether the backend still holds anything of the org (looked up past the store under test). */
    abstract boolean holdsAnythingOf(String orgId) throws Exception;

    AudioObjectStore store() throws Exception {
        if (store == null) {
            store = newStore(MAX);
        }
        return store;
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void anObjectReadsBackByTheKeyPutAnswered() throws Exception {
        String key = store().put("org-a", "aud_1.wav", new byte[] {1, 2, 3});
        assertThat(key).isEqualTo(AudioObjectKeys.key("org-a", "aud_1.wav")).isEqualTo("org-a/aud_1.wav");
        assertThat(store().get("org-a", key)).containsExactly(1, 2, 3);
        store().put("org-a", "aud_1.wav", new byte[] {4});
        assertThat(store().get("org-a", key)).as("put again replaces").containsExactly(4);
    }

    @Test
    void orgIdsAndNamesThatLookLikePathsStayOneSegmentEach() throws Exception {
        for (String org : new String[] {"a/../../escaped", "a/../b", "org.a", "x/./../../../tmp"}) {
            for (String name : new String[] {".", "..", "../x", ".hidden", "a/b.wav", "sp ace.ogg"}) {
                String key = store().put(org, name, new byte[] {9});
                assertThat(key).as(org + " " + name).startsWith(AudioObjectKeys.orgPrefix(org));
                assertThat(key.substring(AudioObjectKeys.orgPrefix(org).length())).doesNotContain("/").doesNotStartWith(".");
                assertThat(store().get(org, key)).containsExactly(9);
            }
        }
    }

    @Test
    void anotherOrgsKeyIsNotFoundAndTrickKeysAreRefusedBeforeTheStoreIsAsked() throws Exception {
        String keyA = store().put("org-a", "y.wav", new byte[] {5, 6});
        store().put("org-b", "y.wav", new byte[] {7});
        assertThatThrownBy(() -> store().get("org-b", keyA)).isInstanceOf(StoreException.class)
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.NOT_FOUND);
        for (String trick : new String[] {"org-b/../org-a/y.wav", "org-b/./y.wav", "org-b/", "org-b/a/y.wav", "org-b/.y",
                "org-b/%2", "org-b/%zz", "org-b/y.wav\u0000", "org-b/y\\..\\x", "/org-b/y.wav"}) {
            assertThatThrownBy(() -> store().get("org-b", trick)).as(trick).isInstanceOf(StoreException.class);
        }
        assertThatThrownBy(() -> store().get("org-b", null)).isInstanceOf(StoreException.class);
        // An org whose id is another org's prefix owns nothing of it.
        store().put("org", "z.wav", new byte[] {1});
        assertThatThrownBy(() -> store().get("org", keyA)).isInstanceOf(StoreException.class);
    }

    @Test
    void aMissingObjectIsNotFound() throws Exception {
        assertThatThrownBy(() -> store().get("org-a", "org-a/nothing.wav")).isInstanceOf(StoreException.class)
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.NOT_FOUND);
    }

    @Test
    void anObjectLargerThanTheReadBoundIsRefused() throws Exception {
        String fits = store().put("org-a", "fits.wav", new byte[(int) MAX]);
        String over = store().put("org-a", "over.wav", new byte[(int) MAX + 1]);
        assertThat(store().get("org-a", fits)).hasSize((int) MAX);
        assertThatThrownBy(() -> store().get("org-a", over)).isInstanceOf(StoreException.class)
                .hasMessageContaining("more than the " + MAX).hasMessageContaining("api.audio.max-upload-bytes");
    }

    @Test
    void deletingAnOrgRemovesAllItsObjectsAndNothingElse() throws Exception {
        for (int i = 0; i < 5; i++) {
            store().put("org-a", "x" + i + ".wav", new byte[] {(byte) i});
        }
        String keyB = store().put("org-b", "x.wav", new byte[] {4});
        String keyOrg = store().put("org", "x.wav", new byte[] {3});
        store().deleteOrg("org-a");
        assertThat(holdsAnythingOf("org-a")).isFalse();
        assertThatThrownBy(() -> store().get("org-a", "org-a/x0.wav")).isInstanceOf(StoreException.class);
        assertThat(store().get("org-b", keyB)).containsExactly(4);
        assertThat(store().get("org", keyOrg)).containsExactly(3);
        store().deleteOrg("org-a");
        store().deleteOrg("never-had-audio");
    }
}
