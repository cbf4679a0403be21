-- Where a catalog embedding's inputs came from (audio-embeddings job): the catalog's imported audio features, or the
-- features the analyser computed from the track's own audio, which replace them once a track has an analysis.
ALTER TABLE track_embeddings
    ADD COLUMN source text NOT NULL DEFAULT 'catalog_features' CHECK (source IN ('catalog_features', 'audio_analysis')),
    ADD COLUMN analyser_version text CHECK (analyser_version ~ '^[A-Za-z0-9._-]{1,64}$'),
    -- The analyser version says which analysis an embedding was built from; a feature-only embedding has none.
    ADD CONSTRAINT track_embeddings_source_version CHECK ((source = 'audio_analysis') = (analyser_version IS NOT NULL));
COMMENT ON COLUMN track_embeddings.source IS 'catalog_features (imported audio features) or audio_analysis (features of the analysed audio replace them).';
COMMENT ON COLUMN track_embeddings.analyser_version IS 'For source audio_analysis: the analyser version of the analysis the embedding was built from.';
