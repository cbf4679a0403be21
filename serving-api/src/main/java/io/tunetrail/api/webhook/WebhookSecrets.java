package io.tunetrail.api.webhook;

import io.tunetrail.api.store.Sql;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Webhook signing secrets in {@code webhook_endpoints}: sealed on the way in, opened for signing, re-sealed at start. */
public final class WebhookSecrets {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSecrets.class);

    private final Sql sql;
    private final SecretSealer sealer;

    public WebhookSecrets(Sql sql, SecretSealer sealer) {
        this.sql = sql;
        this.sealer = sealer;
    }

    public SecretSealer.Sealed seal(String secret, String orgId, String webhookId) {
        return sealer.seal(secret, orgId, webhookId);
    }

    /** The endpoint's secret in clear, or null when the endpoint is gone. */
    public String open(String orgId, String webhookId) {
        return sql.one("reading a webhook secret", "SELECT secret, secret_key_id, secret_sealed FROM webhook_endpoints "
                + "WHERE org_id = ? AND webhook_id = ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, webhookId);
                }, rs -> rs.getString(1) != null ? rs.getString(1)
                        : sealer.open(new SecretSealer.Sealed(rs.getString(2), rs.getBytes(3)), orgId, webhookId)).orElse(null);
    }

    private record Stale(String orgId, String webhookId, String plaintext, String keyId, byte[] sealed) {}

    /**
     * Seals every secret still in clear (rows from before secrets were sealed) and re-seals those sealed with a key
     * that is no longer the first of the ring; returns how many rows changed. Each row is updated only if it still holds
     * what was read, so instances starting together do not overwrite each other's work.
     */
    public int sealStale() {
        List<Stale> stale = sql.list("finding webhook secrets to seal", "SELECT org_id, webhook_id, secret, secret_key_id, secret_sealed "
                + "FROM webhook_endpoints WHERE secret IS NOT NULL OR secret_key_id <> ?", ps -> ps.setString(1, sealer.currentKeyId()),
                rs -> new Stale(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5)));
        int changed = 0;
        for (Stale s : stale) {
            if (s.plaintext() == null && !sealer.knows(s.keyId())) {
                LOG.warn("webhook {} of org {} is sealed with key '{}', which api.webhook.secret-keys does not list: its deliveries "
                        + "cannot be signed until the key is listed again", s.webhookId(), s.orgId(), s.keyId());
                continue;
            }
            String secret = s.plaintext() != null ? s.plaintext() : sealer.open(new SecretSealer.Sealed(s.keyId(), s.sealed()), s.orgId(),
                    s.webhookId());
            SecretSealer.Sealed sealed = sealer.seal(secret, s.orgId(), s.webhookId());
            changed += sql.update("sealing a webhook secret", "UPDATE webhook_endpoints SET secret = NULL, secret_key_id = ?, secret_sealed = ? "
                    + "WHERE org_id = ? AND webhook_id = ? AND secret IS NOT DISTINCT FROM ? AND secret_key_id IS NOT DISTINCT FROM ?", ps -> {
                        ps.setString(1, sealed.keyId());
                        ps.setBytes(2, sealed.bytes());
                        ps.setString(3, s.orgId());
                        ps.setString(4, s.webhookId());
                        ps.setString(5, s.plaintext());
                        ps.setString(6, s.keyId());
                    });
        }
        if (changed > 0) {
            LOG.info("sealed {} webhook signing secret(s) with key '{}'", changed, sealer.currentKeyId());
        }
        return changed;
    }
}
