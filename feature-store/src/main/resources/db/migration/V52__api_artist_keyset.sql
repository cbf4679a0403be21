-- GET /api/v1/artists pages by keyset on (name, artist_id) within an org: this index serves the page after a cursor
-- directly, where the former offset pages made PostgreSQL sort the org's artists and skip every earlier row.
CREATE INDEX artists_by_name ON artists (org_id, name, artist_id);
