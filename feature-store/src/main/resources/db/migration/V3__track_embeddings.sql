-- Audio embeddings for similarity search (pgvector; PgVectorStore).
--
-- The dimension comes from the configuration key embedding.dimension through the Flyway placeholder
-- embedding_dimension. Flyway checksums this file before placeholders are replaced, so changing the key later does
-- not change the column: Database.migrate compares the two and says what to do when they differ.

-- Needs a superuser, or the extension already present (the local stack creates it in template1, so every new
-- database has it); then this is a no-op for a normal owner. Checked first rather than IF NOT EXISTS, whose notice
-- Flyway would log as a warning on every fresh database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
        CREATE EXTENSION vector;
    END IF;
END
$$;

CREATE TABLE track_embeddings (
    org_id        tt_id NOT NULL,
    track_id      tt_id NOT NULL,
    embedding     vector(${embedding_dimension}) NOT NULL,
    -- Which model produced it (audio-embeddings job version); null for imported vectors.
    model_version text CHECK (model_version ~ '^[A-Za-z0-9._-]{1,64}$'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, track_id),
    FOREIGN KEY (org_id, track_id) REFERENCES tracks ON DELETE CASCADE
);
-- Exception to "indexes start with org_id": HNSW indexes one vector column only. Queries filter on org_id
-- while walking the graph (hnsw.iterative_scan, PgVectorStore), and fall back to an exact scan of the org's rows
-- through the primary key when the filtered walk finds fewer than k.
-- m and ef_construction are pgvector's defaults, written out so a change is a visible migration.
CREATE INDEX track_embeddings_hnsw ON track_embeddings USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
CREATE TRIGGER track_embeddings_touch BEFORE UPDATE ON track_embeddings FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE track_embeddings IS 'One audio embedding per track (L2-normalised; cosine distance), with the model version that produced it. HNSW-indexed for nearest-neighbour search.';
