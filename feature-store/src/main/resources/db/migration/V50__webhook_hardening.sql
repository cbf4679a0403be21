-- Webhook hardening (issue 11): signing secrets sealed at rest, a circuit breaker per endpoint, a lease per delivery,
-- and delivery errors kept as fixed codes only.

-- Secrets: AES-GCM sealed by the API with a key from its configuration (api.webhook.secret-keys), stored with the
-- key's id so keys can rotate. The database cannot seal (it never sees the key), so rows written before this
-- migration keep their plaintext in 'secret' until the API starts and seals them (WebhookSecrets.sealStale); new rows
-- never set it.
ALTER TABLE webhook_endpoints
    ALTER COLUMN secret DROP NOT NULL,
    ADD COLUMN secret_sealed bytea,
    ADD COLUMN secret_key_id text CHECK (secret_key_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    ADD CONSTRAINT webhook_endpoints_secret_sealed_with_key CHECK ((secret_sealed IS NULL) = (secret_key_id IS NULL)),
    ADD CONSTRAINT webhook_endpoints_secret_present CHECK (secret IS NOT NULL OR secret_sealed IS NOT NULL),
    -- The circuit breaker: open (no deliveries) after api.webhook.breaker-failures consecutive failures, until
    -- circuit_open_until; then one trial delivery (half open) closes it or opens it again.
    ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    ADD COLUMN circuit_open_until timestamptz;
COMMENT ON COLUMN webhook_endpoints.secret IS 'Legacy plaintext signing secret: sealed into secret_sealed and cleared when the API starts; new rows never set it.';
COMMENT ON COLUMN webhook_endpoints.secret_sealed IS 'AES-256-GCM nonce || ciphertext || tag of the signing secret, associated data org_id NUL webhook_id.';

-- One lease per delivery while it is being sent (instead of moving next_attempt_at for a whole batch): a crashed
-- sender's delivery is due again when its lease ends, and an endpoint has at most one delivery leased at a time.
ALTER TABLE webhook_deliveries ADD COLUMN lease_until timestamptz;

-- Errors used to hold the receiver's or the socket's own words (an oracle on internal ports); keep codes only.
UPDATE webhook_deliveries SET last_error = CASE
        WHEN last_error ~ '^HTTP [1-5][0-9][0-9]$' THEN 'http_' || substr(last_error, 6, 1) || 'xx'
        WHEN last_error ~* 'timeout|timed out' THEN 'timeout'
        WHEN last_error ~* 'ConnectException' THEN 'connection_refused'
        ELSE 'network_error' END
    WHERE last_error IS NOT NULL;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_error_is_a_code CHECK (last_error ~ '^[a-z][a-z0-9_]{0,39}$');
