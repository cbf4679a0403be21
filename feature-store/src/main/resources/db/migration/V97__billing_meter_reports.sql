-- Stripe Billing Meters (issue 17 §4): what ./tunetrail billing sync reported to Stripe, one row per org, resource and
-- closed UTC day of usage_ledger, with Stripe's answer. A 'sent' row is never sent again (a second sync sends nothing
-- twice); a 'failed' row is tried again by the next sync with the same identifier, which Stripe deduplicates.
CREATE TABLE billing_meter_reports (
    org_id             tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    resource           text NOT NULL CHECK (resource ~ '^[a-z][a-z0-9_]{0,63}$'),
    period_start       date NOT NULL,
    -- The meter event's identifier: tt:<org>:<resource>:<day>. Stripe refuses a second event with one it has seen.
    -- Unique per org (the platform's indexes lead with org_id); the identifier holds the org id, so it is unique overall.
    identifier         text NOT NULL CHECK (length(identifier) BETWEEN 1 AND 100),
    event_name         text NOT NULL CHECK (length(event_name) BETWEEN 1 AND 100),
    stripe_customer_id text NOT NULL CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$'),
    -- The units reported: the day's sum over the org's keys in usage_ledger when it was sent.
    units              bigint NOT NULL CHECK (units >= 0),
    status             text NOT NULL CHECK (status IN ('sent', 'failed')),
    attempts           integer NOT NULL CHECK (attempts >= 1),
    -- Stripe's answer: the meter event's fields, or the error's type, code and HTTP status (never the API key).
    stripe_answer      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(stripe_answer) = 'object'),
    first_tried_at     timestamptz NOT NULL DEFAULT now(),
    sent_at            timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    PRIMARY KEY (org_id, resource, period_start),
    UNIQUE (org_id, identifier)
);
CREATE INDEX billing_meter_reports_failed ON billing_meter_reports (org_id, period_start) WHERE status = 'failed';
COMMENT ON TABLE billing_meter_reports IS 'Closed usage days (usage_ledger) reported to Stripe as billing meter events by ./tunetrail billing sync: identifier, units, attempts and Stripe''s answer. Sent rows are never sent again; ./tunetrail billing reconcile compares Stripe''s meter event summaries with usage_ledger and these rows.';
