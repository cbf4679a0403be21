-- Tenancy: organisations, their people and teams, API keys, and the Stripe events already applied.
--
-- Conventions for every migration of this schema (kept by DatabaseSchemaIT):
--   * every org-scoped table has org_id as the first column of its primary key and a foreign key to
--     organisations, directly or through the row it belongs to (track_genres through tracks), always
--     ON DELETE CASCADE: deleting an org deletes all of its data. (No redundant direct key where a composite one
--     implies it: each foreign key costs a lookup per inserted row, and the catalog load inserts millions);
--   * references between org-scoped tables are composite, (org_id, x_id), so a row can never point into
--     another org;
--   * every index of an org-scoped table starts with org_id (the documented exceptions say why);
--   * ids follow the id pattern of schemas/*.schema.json: ^[A-Za-z0-9][A-Za-z0-9._:@/-]*$, at most 128 chars;
--   * every table has a COMMENT saying what it is.

-- Keeps updated_at truthful without every writer remembering to set it. Upserts that change nothing
-- (ON CONFLICT ... WHERE ... IS DISTINCT FROM ...) do not fire it, so updated_at means "last real change".
CREATE FUNCTION tt_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION tt_touch_updated_at() IS 'Trigger function: sets updated_at to now() on every UPDATE.';

-- The id pattern as a domain, so every id column is checked the same way.
CREATE DOMAIN tt_id AS text
    CHECK (VALUE ~ '^[A-Za-z0-9][A-Za-z0-9._:@/-]*$' AND length(VALUE) <= 128);
COMMENT ON DOMAIN tt_id IS 'An identifier as in schemas/*.schema.json: ^[A-Za-z0-9][A-Za-z0-9._:@/-]*$, 1..128 characters.';

CREATE TABLE organisations (
    org_id                 tt_id PRIMARY KEY,
    name                   text NOT NULL CHECK (length(btrim(name)) > 0),
    -- A plan id of config/plans.yaml. Plans are data, not schema, so the catalog store validates the id
    -- against PlanCatalog; the check only keeps the shape sane.
    plan_id                text NOT NULL CHECK (plan_id ~ '^[a-z][a-z0-9_-]{0,63}$'),
    edition                text NOT NULL DEFAULT 'cloud' CHECK (edition IN ('community', 'cloud')),
    stripe_customer_id     text UNIQUE CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$'),
    stripe_subscription_id text UNIQUE CHECK (stripe_subscription_id ~ '^sub_[A-Za-z0-9]+$'),
    -- Frozen: billing may not change the plan and no model is retrained or promoted for this org
    -- (payment failed, legal hold, or an enterprise customer's explicit model freeze).
    frozen                 boolean NOT NULL DEFAULT false,
    frozen_reason          text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisations_frozen_reason CHECK (frozen OR frozen_reason IS NULL),
    CONSTRAINT organisations_subscription_needs_customer CHECK (stripe_subscription_id IS NULL OR stripe_customer_id IS NOT NULL)
);
CREATE TRIGGER organisations_touch BEFORE UPDATE ON organisations FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE organisations IS 'Customer organisations (tenants): plan of config/plans.yaml, edition, Stripe customer and subscription, freeze flag. Every org-scoped table references this one.';
COMMENT ON COLUMN organisations.frozen IS 'True freezes plan and models: billing webhooks do not change the plan, training does not retrain or promote.';

CREATE TABLE teams (
    org_id     tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    team_id    tt_id NOT NULL,
    name       text NOT NULL CHECK (length(btrim(name)) > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, team_id),
    UNIQUE (org_id, name)
);
COMMENT ON TABLE teams IS 'Teams of an organisation (plan feature team_management); API keys may belong to one.';

CREATE TABLE members (
    org_id     tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    member_id  tt_id NOT NULL,
    email      text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 320),
    role       text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, member_id)
);
-- Case-insensitive: one person, one seat, however they capitalise their address.
CREATE UNIQUE INDEX members_org_email ON members (org_id, lower(email));
CREATE TRIGGER members_touch BEFORE UPDATE ON members FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE members IS 'People of an organisation (seats, plan limit team_members) with their role: owner, admin or member. Not listeners: those are end_users.';

CREATE TABLE team_members (
    org_id     tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    team_id    tt_id NOT NULL,
    member_id  tt_id NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, team_id, member_id),
    FOREIGN KEY (org_id, team_id) REFERENCES teams ON DELETE CASCADE,
    FOREIGN KEY (org_id, member_id) REFERENCES members ON DELETE CASCADE
);
CREATE INDEX team_members_by_member ON team_members (org_id, member_id);
COMMENT ON TABLE team_members IS 'Which member belongs to which team of the same organisation.';

CREATE TABLE api_keys (
    org_id       tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    key_id       tt_id NOT NULL UNIQUE,
    team_id      tt_id,
    name         text NOT NULL CHECK (length(btrim(name)) > 0),
    -- Only the SHA-256 of the secret is stored: a database leak does not leak usable keys.
    key_hash     text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    -- The first characters of the key, shown in the UI and logs so people can tell keys apart.
    key_prefix   text NOT NULL CHECK (key_prefix ~ '^[A-Za-z0-9_-]{4,16}$'),
    scopes       text[] NOT NULL DEFAULT '{}' CHECK (array_position(scopes, NULL) IS NULL),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, key_id),
    FOREIGN KEY (org_id, team_id) REFERENCES teams ON DELETE SET NULL (team_id),
    CONSTRAINT api_keys_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at)
);
-- Exception to "indexes start with org_id": a request carries only the key, so the API finds the org through
-- the key's hash. The unique index also makes a hash collision between orgs impossible.
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
-- (key_id UNIQUE above is the other exception: key ids are global so usage events and logs name a key alone.)
CREATE INDEX api_keys_by_team ON api_keys (org_id, team_id) WHERE team_id IS NOT NULL;
COMMENT ON TABLE api_keys IS 'API keys of an organisation: SHA-256 hex of the secret (never the secret), visible prefix, scopes, expiry, revocation and last use. Revoke rather than delete: the usage ledger refers to keys.';

CREATE TABLE processed_stripe_events (
    event_id     text PRIMARY KEY CHECK (event_id ~ '^evt_[A-Za-z0-9_]+$'),
    event_type   text NOT NULL,
    -- Not a foreign key: an event may concern an org that was deleted since, and the dedup record must stay.
    org_id       text,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_stripe_events_by_org ON processed_stripe_events (org_id, processed_at);
COMMENT ON TABLE processed_stripe_events IS 'Stripe webhook events already applied, by event id: Stripe delivers at least once, so the handler inserts here in the same transaction as its effect and skips an event whose id is present.';
