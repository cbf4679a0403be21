-- Outgoing webhooks of the serving API (Pro+, feature advanced_analytics): the endpoints an org registered and every
-- delivery attempt, so a customer can see what was sent, when, and what their server answered.

CREATE TABLE webhook_endpoints (
    org_id      tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    webhook_id  tt_id NOT NULL,
    url         text NOT NULL CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000),
    -- The HMAC key deliveries are signed with. Kept in clear (unlike API keys) because signing needs it; shown to
    -- the customer once, at creation.
    secret      text NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9_-]{20,}$'),
    events      text[] NOT NULL CHECK (cardinality(events) > 0 AND array_position(events, NULL) IS NULL),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, webhook_id)
);
COMMENT ON TABLE webhook_endpoints IS 'Webhook endpoints of an org: URL, signing secret, subscribed event types.';

CREATE TABLE webhook_deliveries (
    org_id           tt_id NOT NULL,
    delivery_id      tt_id NOT NULL,
    webhook_id       tt_id NOT NULL,
    event_type       text NOT NULL CHECK (event_type ~ '^[a-z][a-z_.]{0,63}$'),
    payload          jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    PRIMARY KEY (org_id, delivery_id),
    FOREIGN KEY (org_id, webhook_id) REFERENCES webhook_endpoints ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (org_id, status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (org_id, webhook_id, created_at);
COMMENT ON TABLE webhook_deliveries IS 'Every webhook delivery: event, payload, attempts with exponential backoff, last answer; pending until a 2xx or the last attempt.';
