-- What the nightly batch materialises for the API and BI to read, the per-org model policy, and the queue of custom
-- training requests.
--
-- Every analytics row belongs to one model version (model_versions.algorithm names the job: 'track-similarity',
-- 'user-similarity', 'genre-correlations', 'temporal-patterns', 'context-correlations'). A job writes all rows of a
-- new candidate version first and then promotes it in one transaction, so a reader that asks for the active
-- version's rows never sees half of one. Retiring and deleting a version removes its rows (ON DELETE CASCADE).
-- Analytics versions are always an org's own: the foreign keys carry org_id, so no row can point at another org's
-- (or a global) version.

CREATE UNIQUE INDEX model_versions_by_org ON model_versions (org_id, model_version_id);

CREATE TABLE track_similarities (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    track_id          tt_id NOT NULL,
    rank              smallint NOT NULL CHECK (rank >= 1),
    similar_track_id  tt_id NOT NULL,
    score             double precision NOT NULL,
    -- How many listeners played both (co-occurrence support); null when the score comes from factors only.
    support           integer CHECK (support >= 0),
    PRIMARY KEY (org_id, model_version_id, track_id, rank),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE,
    CONSTRAINT track_similarities_not_self CHECK (similar_track_id <> track_id)
);
COMMENT ON TABLE track_similarities IS 'Item-item top-k per track of one track-similarity model version: rank 1 is the most similar.';

CREATE TABLE user_similarities (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    user_id           tt_id NOT NULL,
    rank              smallint NOT NULL CHECK (rank >= 1),
    similar_user_id   tt_id NOT NULL,
    score             double precision NOT NULL,
    PRIMARY KEY (org_id, model_version_id, user_id, rank),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE,
    CONSTRAINT user_similarities_not_self CHECK (similar_user_id <> user_id)
);
COMMENT ON TABLE user_similarities IS 'Users with similar taste: top-k per listener of one user-similarity model version.';

CREATE TABLE genre_correlations (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    -- Co-occurrence within one listener's history, or within one listening session.
    scope             text NOT NULL CHECK (scope IN ('user', 'session')),
    genre_a           tt_id NOT NULL,
    genre_b           tt_id NOT NULL,
    -- Baskets (users or sessions) holding both, each, and in all.
    count_ab          bigint NOT NULL CHECK (count_ab >= 0),
    count_a           bigint NOT NULL CHECK (count_a >= count_ab),
    count_b           bigint NOT NULL CHECK (count_b >= count_ab),
    baskets           bigint NOT NULL CHECK (baskets >= count_a AND baskets >= count_b),
    lift              double precision NOT NULL,
    npmi              double precision NOT NULL CHECK (npmi BETWEEN -1.0000001 AND 1.0000001),
    -- Both orders are stored so "if you like A" is one index range.
    PRIMARY KEY (org_id, model_version_id, scope, genre_a, genre_b),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE,
    CONSTRAINT genre_correlations_distinct CHECK (genre_a <> genre_b)
);
COMMENT ON TABLE genre_correlations IS 'Genre co-occurrence within users and within sessions: counts, lift and NPMI of pairs above the support thresholds.';

CREATE TABLE temporal_patterns (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    -- Empty string for the org-wide profile (not null, so it can be part of the primary key).
    user_id           text NOT NULL,
    day_of_week       smallint NOT NULL CHECK (day_of_week BETWEEN 1 AND 7),  -- ISO: 1 = Monday
    hour_of_day       smallint NOT NULL CHECK (hour_of_day BETWEEN 0 AND 23), -- UTC
    plays             bigint NOT NULL CHECK (plays >= 0),
    minutes           double precision NOT NULL CHECK (minutes >= 0),
    -- plays / all plays of this profile.
    share             double precision NOT NULL CHECK (share BETWEEN 0 AND 1),
    PRIMARY KEY (org_id, model_version_id, user_id, day_of_week, hour_of_day),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
COMMENT ON TABLE temporal_patterns IS 'Hour-of-day x day-of-week listening profile per listener, and per org (user_id = '''').';

CREATE TABLE monthly_trends (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    month             date NOT NULL CHECK (extract(day FROM month) = 1),
    -- Empty string for the whole org; otherwise one genre's trend.
    genre_id          text NOT NULL,
    plays             bigint NOT NULL CHECK (plays >= 0),
    listeners         bigint NOT NULL CHECK (listeners >= 0),
    minutes           double precision NOT NULL CHECK (minutes >= 0),
    PRIMARY KEY (org_id, model_version_id, month, genre_id),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
COMMENT ON TABLE monthly_trends IS 'Plays, listeners and minutes per month, for the org (genre_id = '''') and per genre.';

CREATE TABLE context_correlations (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    activity          text NOT NULL CHECK (activity ~ '^[a-z][a-z_]{0,31}$'),
    -- An audio feature of io.tunetrail.model.AudioFeatures, snake_case (energy, tempo, valence, ...).
    feature           text NOT NULL CHECK (feature ~ '^[a-z][a-z_]{0,31}$'),
    n_activity        bigint NOT NULL CHECK (n_activity >= 0),
    n_other           bigint NOT NULL CHECK (n_other >= 0),
    mean_activity     double precision NOT NULL,
    mean_other        double precision NOT NULL,
    -- Standardised mean difference (Cohen's d, activity minus the rest) and its 95% confidence interval.
    effect_size       double precision NOT NULL,
    ci_low            double precision NOT NULL,
    ci_high           double precision NOT NULL,
    PRIMARY KEY (org_id, model_version_id, activity, feature),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE,
    CONSTRAINT context_correlations_ci_ordered CHECK (ci_low <= effect_size AND effect_size <= ci_high)
);
COMMENT ON TABLE context_correlations IS 'Activity (workout, study, sleep, ...) versus audio features per org: means, effect size and its 95% CI.';

-- An org's own say over which model version answers it; the plan catalog says which of these it may use.
CREATE TABLE org_model_policy (
    org_id                   tt_id PRIMARY KEY REFERENCES organisations ON DELETE CASCADE,
    -- Set while an enterprise org pins a version; null when it follows its plan's policy.
    pinned_model_version_id  bigint,
    -- A frozen org keeps its active versions: the nightly run trains candidates but promotes nothing.
    frozen                   boolean NOT NULL DEFAULT false,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    -- An org pins one of its own versions; a pinned version cannot be deleted (NO ACTION, not RESTRICT, so that
    -- deleting the whole org, which cascades to both tables, still works).
    FOREIGN KEY (org_id, pinned_model_version_id) REFERENCES model_versions (org_id, model_version_id)
);
CREATE TRIGGER org_model_policy_touch BEFORE UPDATE ON org_model_policy FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE org_model_policy IS 'Per-org model pin and freeze flag; absent row = follow the plan''s policy, not frozen.';

CREATE TABLE training_requests (
    org_id            tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    request_id        tt_id NOT NULL,
    algorithm         text NOT NULL CHECK (algorithm ~ '^[a-z][a-z0-9_-]{0,63}$'),
    params            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    -- From the plan catalog's training priority at the time of the request; higher runs first.
    priority          integer NOT NULL,
    status            text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    requested_by_key  tt_id,
    model_version_id  bigint,
    error             text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, request_id),
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id),
    CONSTRAINT training_requests_succeeded_has_version CHECK (status <> 'succeeded' OR model_version_id IS NOT NULL),
    CONSTRAINT training_requests_failed_says_why CHECK (status <> 'failed' OR error IS NOT NULL)
);
-- An org's requests by state. The worker's cross-org pick (highest priority, oldest first, FOR UPDATE SKIP LOCKED)
-- scans the few unfinished rows.
CREATE INDEX training_requests_queue ON training_requests (org_id, status, priority DESC, created_at);
CREATE TRIGGER training_requests_touch BEFORE UPDATE ON training_requests FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE training_requests IS 'Custom training requests of enterprise orgs (POST /api/v1/models/train), queued by plan priority and run by the batch jobs on that org''s data.';
