package io.tunetrail.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Sealing of webhook secrets: AES-GCM bound to its row, keys that rotate, and a start-up refusal without a key. */
class SecretSealerTest {
    private static final String K1 = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
    private static final String K2 = "k2:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void aSealedSecretOpensOnlyOnItsOwnRowAndHoldsNoPlaintext() {
        SecretSealer sealer = SecretSealer.fromConfig(K1, false);
        SecretSealer.Sealed sealed = sealer.seal("whsec_plain_secret_value", "org1", "wh_1");
        assertThat(sealed.keyId()).isEqualTo("k1");
        assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("whsec_plain_secret_value").doesNotContain("plain");
        assertThat(sealer.open(sealed, "org1", "wh_1")).isEqualTo("whsec_plain_secret_value");
        assertThatThrownBy(() -> sealer.open(sealed, "org2", "wh_1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sealer.open(sealed, "org1", "wh_2")).isInstanceOf(IllegalStateException.class);
        assertThat(sealer.seal("whsec_plain_secret_value", "org1", "wh_1").bytes()).as("a fresh nonce each time").isNotEqualTo(sealed.bytes());
    }

    @Test
    void aNewFirstKeySealsWhileTheOldOneStillOpens() {
        SecretSealer.Sealed old = SecretSealer.fromConfig(K1, false).seal("whsec_x", "o", "w");
        SecretSealer rotated = SecretSealer.fromConfig(K2 + "," + K1, false);
        assertThat(rotated.currentKeyId()).isEqualTo("k2");
        assertThat(rotated.open(old, "o", "w")).isEqualTo("whsec_x");
        assertThat(rotated.seal("whsec_x", "o", "w").keyId()).isEqualTo("k2");
        assertThatThrownBy(() -> SecretSealer.fromConfig(K2, false).open(old, "o", "w"))
                .hasMessageContaining("'k1'").hasMessageContaining("api.webhook.secret-keys");
    }

    @Test
    void withoutAKeyOnlyALoopbackDeploymentStartsAndItsKeyIsMarked() {
        assertThat(SecretSealer.fromConfig("", true).currentKeyId()).isEqualTo(SecretSealer.LOCAL_ONLY_KEY_ID).contains("insecure");
        assertThatThrownBy(() -> SecretSealer.fromConfig("", false))
                .hasMessageContaining("api.webhook.secret-keys").hasMessageContaining("non-loopback").hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> SecretSealer.fromConfig("k1:" + Base64.getEncoder().encodeToString(new byte[16]), false))
                .hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> SecretSealer.fromConfig("k1:not base64!", false)).hasMessageContaining("not base64");
        assertThatThrownBy(() -> SecretSealer.fromConfig(K1 + "," + K1, false)).hasMessageContaining("twice");
    }

    @Test
    void theApiRefusesToStartOnANonLoopbackAddressWithoutAKey() {
        assertThat(WebhookSettings.bindsLoopbackOnly("127.0.0.1")).isTrue();
        assertThat(WebhookSettings.bindsLoopbackOnly("::1")).isTrue();
        assertThat(WebhookSettings.bindsLoopbackOnly("0.0.0.0")).isFalse();
        assertThat(WebhookSettings.bindsLoopbackOnly("10.1.2.3")).isFalse();
        io.tunetrail.model.PlatformConfig exposed = io.tunetrail.model.PlatformConfig.load(java.util.Map.of(),
                java.util.Map.of(io.tunetrail.model.PlatformConfig.API_HOST.name(), "0.0.0.0"));
        assertThatThrownBy(() -> WebhookSettings.from(exposed)).hasMessageContaining("api.webhook.secret-keys");
        // Bound elsewhere than api.host says (./tunetrail serve --host): the address actually bound decides.
        WebhookSettings local = WebhookSettings.local(host -> java.util.List.of());
        local.requireOwnKeyUnlessLoopback("127.0.0.1");
        assertThatThrownBy(() -> local.requireOwnKeyUnlessLoopback("0.0.0.0")).hasMessageContaining("api.webhook.secret-keys");
        local.withSealer(SecretSealer.fromConfig(K1, false)).requireOwnKeyUnlessLoopback("0.0.0.0");
    }
}
