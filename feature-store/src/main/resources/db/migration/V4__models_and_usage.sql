-- The model registry and the usage ledger.

CREATE TABLE model_versions (
    model_version_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Null for global models (community edition, cold start) that every org may use.
    org_id        tt_id REFERENCES organisations ON DELETE CASCADE,
    algorithm     text NOT NULL CHECK (algorithm ~ '^[a-z][a-z0-9_-]{0,63}$'),
    -- The same alphabet as the online store's version segment (feature-store/KEYS.md): no ':' so keys stay
    -- unambiguous.
    version       text NOT NULL CHECK (version ~ '^[A-Za-z0-9._-]{1,64}$'),
    params        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    metrics       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metrics) = 'object'),
    -- What the model was trained on (tables, Delta versions, date range), to reproduce it.
    input_snapshot jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(input_snapshot) = 'object'),
    status        text NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'active', 'retired')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    promoted_at   timestamptz,
    CONSTRAINT model_versions_active_was_promoted CHECK (status <> 'active' OR promoted_at IS NOT NULL),
    CONSTRAINT model_versions_promoted_after_creation CHECK (promoted_at IS NULL OR promoted_at >= created_at)
);
-- NULLS NOT DISTINCT (PostgreSQL 15): a global model's version is unique too.
CREATE UNIQUE INDEX model_versions_unique ON model_versions (org_id, algorithm, version) NULLS NOT DISTINCT;
-- At most one active version per org (or globally) and algorithm: promotion retires the previous one in the
-- same transaction.
CREATE UNIQUE INDEX model_versions_one_active ON model_versions (org_id, algorithm) NULLS NOT DISTINCT WHERE status = 'active';
COMMENT ON TABLE model_versions IS 'Model registry: every trained model version per org (or global when org_id is null) and algorithm, with params, metrics and input snapshot; status candidate, active (at most one per org and algorithm) or retired.';

CREATE TABLE usage_ledger (
    org_id       tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    -- Null for usage without a key (scheduled training, internal jobs).
    api_key_id   tt_id,
    resource     text NOT NULL CHECK (resource ~ '^[a-z][a-z0-9_]{0,63}$'),
    period       text NOT NULL CHECK (period IN ('day', 'month')),
    period_start date NOT NULL,
    units        bigint NOT NULL CHECK (units >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, api_key_id) REFERENCES api_keys,
    CONSTRAINT usage_ledger_month_starts_on_the_first CHECK (period <> 'month' OR extract(day FROM period_start) = 1)
);
-- The natural key. NULLS NOT DISTINCT makes keyless usage one row per period too, so writers can upsert with
-- ON CONFLICT. (Not a primary key because api_key_id is nullable.)
CREATE UNIQUE INDEX usage_ledger_unique ON usage_ledger (org_id, api_key_id, resource, period, period_start) NULLS NOT DISTINCT;
CREATE INDEX usage_ledger_by_period ON usage_ledger (org_id, period, period_start, resource);
CREATE TRIGGER usage_ledger_touch BEFORE UPDATE ON usage_ledger FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE usage_ledger IS 'Billable usage: units per org, API key and resource per UTC day and month (written by the usage-counters job from the usage topic; the source for invoices and quota history).';
