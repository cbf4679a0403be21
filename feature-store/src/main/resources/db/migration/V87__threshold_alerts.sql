-- Threshold alerts (issue 17 §3): an alert when an org's use of a quota (or, later, its cost cap) reaches a percentage
-- of the plan's alerts.thresholds, once per period. The API detects the crossing in process from the limit script's
-- answer and records it off the request thread (io.tunetrail.api.alerts); the unique key below is the backstop that
-- keeps it to one row however many instances, retries or refunds see the same crossing.
CREATE TABLE alerts (
    org_id            tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    alert_id          bigint GENERATED ALWAYS AS IDENTITY,
    -- quota: a per_day or per_month limit of config/plans.yaml; cost_cap: the plan's cost_caps.monthly_usd.
    kind              text NOT NULL CHECK (kind IN ('quota', 'cost_cap')),
    -- The metered resource (api_calls, audio_analysis, ...), or cost_usd for a cost cap.
    resource          text NOT NULL CHECK (resource ~ '^[a-z][a-z0-9_]{0,63}$'),
    period            text NOT NULL CHECK (period IN ('day', 'month')),
    -- The UTC day, or the first day of the UTC month, the threshold was reached in.
    period_start      date NOT NULL,
    threshold_percent smallint NOT NULL CHECK (threshold_percent BETWEEN 1 AND 100),
    -- The limit and the use that reached the threshold, in the resource's unit (USD for a cost cap).
    limit_value       numeric NOT NULL CHECK (limit_value > 0),
    used_value        numeric NOT NULL CHECK (used_value >= 0),
    reached_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    acknowledged_at   timestamptz,
    -- The key (or console member) that acknowledged it. Not a foreign key: the alert outlives the key.
    acknowledged_by   text CHECK (length(acknowledged_by) <= 255),
    PRIMARY KEY (org_id, alert_id),
    CONSTRAINT alerts_once_per_period UNIQUE (org_id, kind, resource, period, period_start, threshold_percent),
    CONSTRAINT alerts_period_start_month CHECK (period = 'day' OR extract(day FROM period_start) = 1),
    CONSTRAINT alerts_acknowledged_with_actor CHECK (acknowledged_at IS NOT NULL OR acknowledged_by IS NULL)
);
-- The listing's order (newest first) and its keyset.
CREATE INDEX alerts_by_time ON alerts (org_id, reached_at DESC, alert_id DESC);
COMMENT ON TABLE alerts IS 'Threshold alerts: an org reached threshold_percent of a quota or cost cap in a period; one row per (org, kind, resource, period, threshold). Served by GET /api/v1/alerts, acknowledged by POST /api/v1/alerts/{alert_id}/acknowledge.';

-- What an operator's mailer sends: one row per message, written in the transaction that records its cause. A mailer
-- takes unsent rows (sent_at IS NULL) FOR UPDATE SKIP LOCKED, sends, and sets sent_at, or counts the attempt and
-- keeps the error; this platform sends no mail itself.
CREATE TABLE email_outbox (
    org_id      tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    email_id    bigint GENERATED ALWAYS AS IDENTITY,
    -- The alert that caused the message (NULL for a message of another kind).
    alert_id    bigint,
    -- The recipient ("to"; a reserved word in SQL).
    to_address  text NOT NULL CHECK (to_address ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(to_address) <= 320),
    subject     text NOT NULL CHECK (length(btrim(subject)) > 0 AND length(subject) <= 255),
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  text,
    PRIMARY KEY (org_id, email_id),
    FOREIGN KEY (org_id, alert_id) REFERENCES alerts ON DELETE CASCADE,
    CONSTRAINT email_outbox_once_per_alert_and_recipient UNIQUE (org_id, alert_id, to_address)
);
-- The mailer's queue: only unsent rows, so it stays small however much mail was sent.
CREATE INDEX email_outbox_unsent ON email_outbox (org_id, email_id) WHERE sent_at IS NULL;
COMMENT ON TABLE email_outbox IS 'E-mail an operator''s mailer sends (to_address, subject, body), drained by setting sent_at; attempts and last_error record failures. Alert mail goes to the org''s owners.';
