-- Model-version alerts (issue 17 §2): the model watcher tells an org that stays pinned of each newer version with a
-- webhook event (model_version_notices, V90) and an alert in the same list as the quota and cost-cap alerts
-- (GET /api/v1/alerts, acknowledged the same way). Such an alert has no quota, period or threshold, so those columns
-- become nullable; a CHECK keeps each kind's shape, so every existing (quota or cost-cap) row stays valid as it is.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('quota', 'cost_cap', 'model_version'));
ALTER TABLE alerts
    ALTER COLUMN resource DROP NOT NULL,
    ALTER COLUMN period DROP NOT NULL,
    ALTER COLUMN period_start DROP NOT NULL,
    ALTER COLUMN threshold_percent DROP NOT NULL,
    ALTER COLUMN limit_value DROP NOT NULL,
    ALTER COLUMN used_value DROP NOT NULL,
    -- The newer version (not model_version_id: that column name marks a version's output rows, which retention prunes).
    ADD COLUMN version_id bigint,
    ADD FOREIGN KEY (org_id, version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE,
    ADD CONSTRAINT alerts_shape_of_kind CHECK (CASE WHEN kind = 'model_version'
        THEN version_id IS NOT NULL AND resource IS NULL AND period IS NULL AND period_start IS NULL AND threshold_percent IS NULL
             AND limit_value IS NULL AND used_value IS NULL
        ELSE version_id IS NULL AND resource IS NOT NULL AND period IS NOT NULL AND period_start IS NOT NULL
             AND threshold_percent IS NOT NULL AND limit_value IS NOT NULL AND used_value IS NOT NULL END);
-- Once per version, whichever instance announces it (the notice's announced_at is the first guard, this the backstop).
CREATE UNIQUE INDEX alerts_once_per_model_version ON alerts (org_id, version_id) WHERE kind = 'model_version';
COMMENT ON TABLE alerts IS 'Alerts: an org reached threshold_percent of a quota or cost cap in a period (one row per org, kind, resource, period, threshold), or a newer model version exists while it stays pinned (kind model_version, one row per version_id). Served by GET /api/v1/alerts, acknowledged by POST /api/v1/alerts/{alert_id}/acknowledge.';
