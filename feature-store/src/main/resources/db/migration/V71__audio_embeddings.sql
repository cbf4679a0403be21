-- Signal embeddings of analysed audio (audio-analysis SignalEmbedding: 512 dimensions, L2-normalised), one per
-- analysis. Fixed at 512 rather than the embedding.dimension placeholder: the analyser defines the dimension, not the catalog's
-- imported embeddings.

CREATE TABLE audio_embeddings (
    org_id      tt_id NOT NULL,
    analysis_id tt_id NOT NULL,
    -- Copied from the analysis so nearest-neighbour queries by track need no join.
    track_id    tt_id,
    embedding   vector(512) NOT NULL,
    -- SignalEmbedding.MODEL of the analyser that produced it.
    model       text NOT NULL CHECK (model ~ '^[A-Za-z0-9._-]{1,64}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, analysis_id),
    FOREIGN KEY (org_id, analysis_id) REFERENCES audio_analyses ON DELETE CASCADE,
    FOREIGN KEY (org_id, track_id) REFERENCES tracks ON DELETE SET NULL (track_id)
);
CREATE INDEX audio_embeddings_by_track ON audio_embeddings (org_id, track_id, created_at DESC) WHERE track_id IS NOT NULL;
-- As in V3: HNSW indexes one vector column only, so this index does not start with org_id; queries filter on org_id.
CREATE INDEX audio_embeddings_hnsw ON audio_embeddings USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
COMMENT ON TABLE audio_embeddings IS 'Signal embeddings of analysed audio (cosine distance, HNSW-indexed), one per analysis, with the model that produced it.';
