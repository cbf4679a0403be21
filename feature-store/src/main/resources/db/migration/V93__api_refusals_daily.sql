-- Refused API calls (issue 14 §2, mart_usage_daily's refused_402/refused_429): a refused call is not metered, so it is
-- in no usage event. The API counts its 402 (plan feature or model family missing) and 429 (rate limit, org ceiling,
-- day or month quota) refusals in memory and adds them here in batches (a few seconds apart, one statement per batch,
-- never one round trip per request); the nightly marts job reads them into mart_usage_daily.
CREATE TABLE api_refusals_daily (
    org_id       tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    -- The UTC day the call was refused.
    day          date NOT NULL,
    api_key_id   tt_id NOT NULL,
    -- The route class: the metered resource of the route (api_calls, audio_analysis, ...), 'unmetered' for the others.
    route_class  text NOT NULL CHECK (route_class ~ '^[a-z][a-z0-9_]{0,63}$'),
    -- plan_feature:<feature> and plan_model_family (402); rate_limited, org_rate_limited, day_quota, month_quota (429).
    reason       text NOT NULL CHECK (reason ~ '^[a-z][a-z0-9_:]{0,127}$'),
    status       smallint NOT NULL CHECK (status IN (402, 429)),
    refusals     bigint NOT NULL CHECK (refusals > 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, day, api_key_id, route_class, reason)
);
COMMENT ON TABLE api_refusals_daily IS 'Refused API calls (402, 429) per org, UTC day, API key, route class and reason, added in batches by the serving API; read by the nightly marts job into mart_usage_daily.';
