-- Analyses of uploaded audio (serving-api AudioAnalysisService): Spotify's audio features and the full
-- audio-analysis document computed by the audio-analysis module, optionally attached to a catalog track of the org.

CREATE TABLE audio_analyses (
    org_id           tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    analysis_id      tt_id NOT NULL,
    -- Null for audio analysed without a track; deleting the track keeps the analysis and forgets the link.
    track_id         tt_id,
    -- AudioAnalyser.VERSION: a newer analyser recomputes rows of older versions.
    analyser_version text NOT NULL CHECK (analyser_version ~ '^[A-Za-z0-9._-]{1,64}$'),
    features         jsonb NOT NULL CHECK (jsonb_typeof(features) = 'object'),
    document         jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    duration_ms      bigint NOT NULL CHECK (duration_ms >= 0),
    -- Where the uploaded audio is kept (AudioObjectStore key, under the org's prefix).
    object_key       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, analysis_id),
    FOREIGN KEY (org_id, track_id) REFERENCES tracks ON DELETE SET NULL (track_id)
);
-- GET /tracks/{id}/audio-analysis and audio-features read the newest analysis of a track.
CREATE INDEX audio_analyses_by_track ON audio_analyses (org_id, track_id, created_at DESC) WHERE track_id IS NOT NULL;
COMMENT ON TABLE audio_analyses IS 'Analyses of uploaded audio: audio features and the Spotify-shaped audio-analysis document, per org, optionally of a catalog track.';
