-- Canaries (issue 17 §2): on a plan with canary: in config/plans.yaml, a new version the nightly chain produces does not
-- become active at once; it serves share_percent of the listeners (stable hash of org, listener and canary id) until
-- ends_at, and the API's decider then promotes it or rolls it back on the feedback each arm received. An owner may
-- approve (promote now) or abort (roll back now) it. The figures that decided are kept with the decision.
CREATE TABLE model_canaries (
    org_id                  tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    canary_id               bigint GENERATED ALWAYS AS IDENTITY,
    algorithm               text NOT NULL CHECK (algorithm ~ '^[a-z][a-z0-9_-]{0,63}$'),
    candidate_version_id    bigint NOT NULL,
    -- The version active when the canary started: the arm the other listeners are served.
    active_version_id       bigint NOT NULL,
    share_percent           smallint NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
    max_regression_percent  numeric NOT NULL CHECK (max_regression_percent >= 0),
    period_hours            integer NOT NULL CHECK (period_hours > 0),
    started_at              timestamptz NOT NULL,
    ends_at                 timestamptz NOT NULL,
    -- Set when too little feedback had come by ends_at and the period was extended once.
    extended                boolean NOT NULL DEFAULT false,
    -- The active version's feedback counters when the canary started serving (null until then): its arm's outcome
    -- counts only what came after.
    baseline                jsonb CHECK (baseline IS NULL OR jsonb_typeof(baseline) = 'object'),
    state                   text NOT NULL DEFAULT 'running'
                            CHECK (state IN ('running', 'promoted', 'rolled_back', 'aborted', 'approved')),
    decided_at              timestamptz,
    -- Per arm: version, feedback counts, positive rate; the regression, the threshold and the reason.
    figures                 jsonb CHECK (figures IS NULL OR jsonb_typeof(figures) = 'object'),
    -- 'decider' for the scheduled decision, else the API key that approved or aborted.
    decided_by              text CHECK (length(decided_by) <= 255),
    PRIMARY KEY (org_id, canary_id),
    FOREIGN KEY (org_id, candidate_version_id) REFERENCES model_versions (org_id, model_version_id),
    FOREIGN KEY (org_id, active_version_id) REFERENCES model_versions (org_id, model_version_id),
    CONSTRAINT model_canaries_decided_when_not_running CHECK ((state = 'running') = (decided_at IS NULL)),
    CONSTRAINT model_canaries_ends_after_start CHECK (ends_at > started_at)
);
-- One canary at a time per lineage, and one per candidate: a rerun of the nightly chain finds the one it started.
CREATE UNIQUE INDEX model_canaries_one_running ON model_canaries (org_id, algorithm) WHERE state = 'running';
CREATE UNIQUE INDEX model_canaries_one_per_candidate ON model_canaries (org_id, candidate_version_id);
-- The decider's scan: running canaries by end.
CREATE INDEX model_canaries_due ON model_canaries (ends_at) WHERE state = 'running';
COMMENT ON TABLE model_canaries IS 'Canaries of new model versions (plans with canary:): share, period, state, and the figures and actor that decided.';

ALTER TABLE model_version_changes DROP CONSTRAINT model_version_changes_action_check;
ALTER TABLE model_version_changes ADD CONSTRAINT model_version_changes_action_check
    CHECK (action IN ('rollback', 'pin', 'canary_promote', 'canary_rollback'));

-- The model watcher: a newer version of a lineage exists for an org that stays pinned. One row per version, so its
-- admins hear of each version once (webhook model.version_available and an alert) however often the chain runs.
CREATE TABLE model_version_notices (
    org_id            tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    -- The newer version (not model_version_id: that column name marks a version's output rows, which retention prunes).
    version_id        bigint NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- When the API queued the webhook event (in the same transaction); null: still to announce.
    announced_at      timestamptz,
    PRIMARY KEY (org_id, version_id),
    FOREIGN KEY (org_id, version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
CREATE INDEX model_version_notices_unannounced ON model_version_notices (created_at) WHERE announced_at IS NULL;
COMMENT ON TABLE model_version_notices IS 'Model watcher: newer versions a pinned org is told about (once per version); announced_at set when the webhook event was queued.';
