-- The org's most played tracks over Spotify's three time ranges, as of the newest play the nightly run read. Written by
-- the temporal-patterns job with its version (so a promotion switches them with the other temporal tables at once)
-- and served by GET /api/v1/tracks/top; catalog popularity answers only while an org has no such version.
CREATE TABLE top_tracks (
    org_id            tt_id NOT NULL,
    model_version_id  bigint NOT NULL,
    time_range        text NOT NULL CHECK (time_range IN ('short_term', 'medium_term', 'long_term')),
    rank              integer NOT NULL CHECK (rank >= 1),
    track_id          tt_id NOT NULL,
    plays             bigint NOT NULL CHECK (plays > 0),
    listeners         bigint NOT NULL CHECK (listeners > 0),
    -- The newest play the run read: short_term is the 28 days before it, medium_term the 182 days, long_term all.
    as_of             timestamptz NOT NULL,
    PRIMARY KEY (org_id, model_version_id, time_range, rank),
    UNIQUE (org_id, model_version_id, time_range, track_id),
    FOREIGN KEY (org_id) REFERENCES organisations ON DELETE CASCADE,
    FOREIGN KEY (org_id, model_version_id) REFERENCES model_versions (org_id, model_version_id) ON DELETE CASCADE
);
COMMENT ON TABLE top_tracks IS 'Most played tracks per org and time range (short_term 28 days, medium_term 182 days, long_term all, before as_of), ranked by plays then listeners; rows of one temporal-patterns model version.';
