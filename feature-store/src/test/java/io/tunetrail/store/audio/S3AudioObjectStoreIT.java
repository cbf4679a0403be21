package io.tunetrail.store.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.store.StoreException;
import io.tunetrail.store.testing.S3TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real S3 API (s3proxy on loopback, a fresh bucket per test). */
class S3AudioObjectStoreIT extends AudioObjectStoreContract {
    private static S3TestServer server;
    private AudioStoreSettings settings;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start(Path.of("target", "s3proxy", "S3AudioObjectStoreIT"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    AudioObjectStore newStore(long maxReadBytes) {
        settings = server.newBucket(maxReadBytes);
        return settings.open();
    }

    @Override
    boolean holdsAnythingOf(String orgId) {
        return server.anyObjectUnder(settings.bucket(), AudioObjectKeys.orgPrefix(orgId));
    }

    @Test
    void wrongCredentialsAreUnavailableNotSilentlyEmpty() throws Exception {
        store().put("org-a", "x.wav", new byte[] {1});
        AudioStoreSettings wrong = AudioStoreSettings.s3(server.endpoint(), settings.bucket(), "us-east-1", true,
                S3TestServer.ACCESS_KEY, "not-the-secret", MAX);
        try (AudioObjectStore other = wrong.open()) {
            assertThatThrownBy(() -> other.get("org-a", "org-a/x.wav")).isInstanceOf(StoreException.class)
                    .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
        }
    }

    @Test
    void settingsNeverPrintTheSecret() {
        assertThat(server.newBucket(MAX).toString()).doesNotContain(S3TestServer.SECRET_KEY).contains("s3://");
    }
}
