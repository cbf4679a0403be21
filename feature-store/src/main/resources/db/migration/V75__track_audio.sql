-- Where a catalog track's audio lives (./tunetrail analyze --dir registers it; the nightly audio-analysis job reads it):
-- one registered file per track, kept in the audio object store under the org's prefix (api.audio.store-dir).

CREATE TABLE track_audio (
    org_id        tt_id NOT NULL,
    track_id      tt_id NOT NULL,
    -- The object store's key (relative to the store root), as AudioObjectStore.put returned it.
    object_key    text NOT NULL CHECK (length(object_key) BETWEEN 1 AND 1024),
    -- Hex SHA-256 of the bytes: registering the same audio again changes nothing; other audio is analysed again.
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    registered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, track_id),
    FOREIGN KEY (org_id, track_id) REFERENCES tracks ON DELETE CASCADE
);
COMMENT ON TABLE track_audio IS 'The audio file registered for a catalog track (object store key, SHA-256, size); the audio-analysis job analyses tracks whose audio has no analysis of the current analyser version.';

-- Audio analysed for a track remembers which registered bytes it came from, so re-registered audio is analysed again.
ALTER TABLE audio_analyses ADD COLUMN sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$');
COMMENT ON COLUMN audio_analyses.sha256 IS 'SHA-256 of the analysed bytes when known (batch analyses of registered track audio).';
