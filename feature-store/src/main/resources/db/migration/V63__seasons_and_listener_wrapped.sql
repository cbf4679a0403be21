-- Seasonal listening and a listener's Wrapped, written by the temporal-patterns job with its other tables (same
-- version, same cascade when a version is dropped).

CREATE TABLE seasonal_profiles (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    -- Empty string for the org-wide profile.
    user_id           text NOT NULL,
    month_of_year     smallint NOT NULL CHECK (month_of_year BETWEEN 1 AND 12), -- UTC
    plays             bigint NOT NULL CHECK (plays >= 0),
    minutes           double precision NOT NULL CHECK (minutes >= 0),
    -- plays / all plays of this profile.
    share             double precision NOT NULL CHECK (share BETWEEN 0 AND 1),
    PRIMARY KEY (org_id, model_version_id, user_id, month_of_year),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
COMMENT ON TABLE seasonal_profiles IS 'Plays per month of the year (all years together) per listener, and per org (user_id = ''''); seasons are sums of three months, made when read.';

CREATE TABLE listener_monthly (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    user_id           text NOT NULL,
    month             date NOT NULL CHECK (extract(day FROM month) = 1),
    plays             bigint NOT NULL CHECK (plays >= 0),
    minutes           double precision NOT NULL CHECK (minutes >= 0),
    tracks            bigint NOT NULL CHECK (tracks >= 0),
    PRIMARY KEY (org_id, model_version_id, user_id, month),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
COMMENT ON TABLE listener_monthly IS 'Each listener''s plays, minutes and distinct tracks per calendar month (UTC): a listener''s Wrapped.';

CREATE TABLE listener_top_items (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    user_id           text NOT NULL,
    year              smallint NOT NULL CHECK (year BETWEEN 1970 AND 9999),
    kind              text NOT NULL CHECK (kind IN ('track', 'genre')),
    rank              smallint NOT NULL CHECK (rank >= 1),
    item_id           text NOT NULL,
    plays             bigint NOT NULL CHECK (plays >= 0),
    minutes           double precision NOT NULL CHECK (minutes >= 0),
    PRIMARY KEY (org_id, model_version_id, user_id, year, kind, rank),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
COMMENT ON TABLE listener_top_items IS 'Each listener''s most played tracks and top-level genres per calendar year, rank 1 the most played.';
