-- The ISRC of a catalog track (ISO 3901), so audio files can be matched to tracks by the ISRC in their tags
-- (./tunetrail analyze --match-by isrc). Null when the catalog does not know it.

ALTER TABLE tracks ADD COLUMN isrc text CHECK (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$');
COMMENT ON COLUMN tracks.isrc IS 'International Standard Recording Code (CC-XXX-YY-NNNNN without dashes, upper case); null when unknown.';
CREATE INDEX tracks_by_isrc ON tracks (org_id, isrc) WHERE isrc IS NOT NULL;
