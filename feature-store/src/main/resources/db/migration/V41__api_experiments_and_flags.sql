-- A/B experiments over model versions (enterprise) and feature flags with plan rules and percentage rollout
-- (owner/admin), both owned by the serving API.

CREATE TABLE ab_experiments (
    org_id        tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    experiment_id tt_id NOT NULL,
    name          text NOT NULL CHECK (length(btrim(name)) > 0),
    -- [{"name": "control", "model_version": "als-1.0", "weight": 50}, ...]: the versions compared and their shares.
    arms          jsonb NOT NULL CHECK (jsonb_typeof(arms) = 'array' AND jsonb_array_length(arms) >= 2),
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    stopped_at    timestamptz,
    PRIMARY KEY (org_id, experiment_id)
);
COMMENT ON TABLE ab_experiments IS 'A/B experiments: listeners are assigned to arms (model versions) by a stable hash of experiment and listener; feedback is counted per arm.';

CREATE TABLE feature_flags (
    org_id        tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    flag_key      text NOT NULL CHECK (flag_key ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    description   text NOT NULL DEFAULT '',
    enabled       boolean NOT NULL DEFAULT true,
    -- Plans the flag is on for (empty: every plan), then the share of listeners (stable hash) it is on for.
    plans         text[] NOT NULL DEFAULT '{}' CHECK (array_position(plans, NULL) IS NULL),
    rollout_percent smallint NOT NULL DEFAULT 100 CHECK (rollout_percent BETWEEN 0 AND 100),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, flag_key)
);
CREATE TRIGGER feature_flags_touch BEFORE UPDATE ON feature_flags FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE feature_flags IS 'Feature flags of an org: on/off, the plans they apply to, and a percentage rollout by stable listener hash.';
