-- Stripe delivers webhook events at least once and in no particular order, and may name a customer or a price we do
-- not know yet (the checkout that links the customer arrives later; a price is added to config/plans.yaml later).
-- Two tables make the handler order-proof and lossless (serving-api/.../billing/StripeWebhooks.java).

-- The newest event applied per subscription: an event older than it (by Stripe's own `created`) changes nothing, so
-- a delayed `customer.subscription.updated` cannot undo a newer one.
CREATE TABLE stripe_subscription_state (
    -- No pattern check: a CHECK failure would answer Stripe 5xx for ever on an id we merely did not expect.
    subscription_id    text PRIMARY KEY,
    -- Nullable and not a foreign key, like processed_stripe_events.org_id: Stripe's record, not org data; it outlives
    -- the org (and the tenancy rule for org-scoped tables, DatabaseSchemaIT, does not apply to it).
    org_id             text,
    status             text NOT NULL,
    last_event_id      text NOT NULL,
    last_event_created timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE stripe_subscription_state IS 'Per Stripe subscription, the status and created time of the newest event applied: older events are recorded but not applied.';

-- Events we verified but could not apply: kept whole, with the reason, until the mapping appears.
CREATE TABLE parked_stripe_events (
    event_id       text PRIMARY KEY CHECK (event_id ~ '^evt_[A-Za-z0-9_]+$'),
    event_type     text NOT NULL,
    reason         text NOT NULL CHECK (reason IN ('unknown_customer', 'unknown_price', 'unknown_org')),
    customer_id    text,
    price_id       text,
    org_id         text,
    event_created  timestamptz NOT NULL,
    -- The verified event as Stripe sent it; re-applying parses this, the signature was checked on receipt.
    payload        jsonb NOT NULL,
    parked_at      timestamptz NOT NULL DEFAULT now(),
    attempts       integer NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    resolved_at    timestamptz,
    -- What re-applying did (plan_changed, plan_unchanged, stale, ...), once resolved.
    resolution     text,
    CONSTRAINT parked_stripe_events_resolution_when_resolved CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE INDEX parked_stripe_events_open_by_customer ON parked_stripe_events (customer_id, event_created) WHERE resolved_at IS NULL;
CREATE INDEX parked_stripe_events_open ON parked_stripe_events (event_created) WHERE resolved_at IS NULL;
COMMENT ON TABLE parked_stripe_events IS 'Stripe events for an unknown customer, org or price: answered 200 (stored), listed by ./tunetrail admin stripe parked, re-applied when the customer is linked and at API start.';
