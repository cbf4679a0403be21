-- The catalog of each org: its listeners and its music (io.tunetrail.model.Catalog, loaded by PostgresCatalogStore).

CREATE TABLE end_users (
    org_id     tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    user_id    tt_id NOT NULL,
    country    text CHECK (country ~ '^[A-Z]{2}$'),
    first_seen timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);
CREATE TRIGGER end_users_touch BEFORE UPDATE ON end_users FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE end_users IS 'Listeners of an org, by the id the customer''s app uses for them; country is ISO 3166-1 alpha-2 when known.';

CREATE TABLE artists (
    org_id     tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    artist_id  tt_id NOT NULL,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, artist_id)
);
CREATE TRIGGER artists_touch BEFORE UPDATE ON artists FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE artists IS 'Artists of an org''s catalog.';

CREATE TABLE genres (
    org_id          tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    genre_id        tt_id NOT NULL,
    name            text NOT NULL,
    parent_genre_id tt_id,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, genre_id),
    FOREIGN KEY (org_id, parent_genre_id) REFERENCES genres,
    CONSTRAINT genres_not_own_parent CHECK (parent_genre_id IS DISTINCT FROM genre_id)
);
CREATE INDEX genres_by_parent ON genres (org_id, parent_genre_id) WHERE parent_genre_id IS NOT NULL;
CREATE TRIGGER genres_touch BEFORE UPDATE ON genres FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE genres IS 'Genres of an org''s catalog; a subgenre names its parent (same org).';

CREATE TABLE tracks (
    org_id       tt_id NOT NULL REFERENCES organisations ON DELETE CASCADE,
    track_id     tt_id NOT NULL,
    title        text NOT NULL,
    -- Null for catalogs without artists (MovieLens items).
    artist_id    tt_id,
    album        text,
    -- A sanity range, not a business rule: null when unknown.
    release_year integer CHECK (release_year BETWEEN 1000 AND 3000),
    duration_ms  bigint NOT NULL CHECK (duration_ms >= 0),
    popularity   smallint NOT NULL CHECK (popularity BETWEEN 0 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, track_id),
    FOREIGN KEY (org_id, artist_id) REFERENCES artists
);
CREATE INDEX tracks_by_artist ON tracks (org_id, artist_id) WHERE artist_id IS NOT NULL;
-- "Most popular first" is the fallback ordering of every list the API returns.
CREATE INDEX tracks_by_popularity ON tracks (org_id, popularity DESC, track_id);
CREATE TRIGGER tracks_touch BEFORE UPDATE ON tracks FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE tracks IS 'Catalog items of an org (tracks; movies for MovieLens): title, artist, album, release year, duration, popularity 0..100.';

CREATE TABLE track_genres (
    org_id   tt_id NOT NULL,
    track_id tt_id NOT NULL,
    genre_id tt_id NOT NULL,
    -- The order the catalog lists the genres in; 0 is the track's primary genre.
    position smallint NOT NULL CHECK (position >= 0),
    PRIMARY KEY (org_id, track_id, genre_id),
    FOREIGN KEY (org_id, track_id) REFERENCES tracks ON DELETE CASCADE,
    FOREIGN KEY (org_id, genre_id) REFERENCES genres ON DELETE CASCADE
);
CREATE INDEX track_genres_by_genre ON track_genres (org_id, genre_id, track_id);
COMMENT ON TABLE track_genres IS 'Which genres a track belongs to (many to many, same org), in catalog order: position 0 is the primary genre.';

CREATE TABLE audio_features (
    org_id           tt_id NOT NULL,
    track_id         tt_id NOT NULL,
    -- Ranges follow Spotify's definitions (io.tunetrail.model.AudioFeatures), widened where Spotify's own data
    -- strays: tempo 0 means "no pulse", loudness can be slightly above 0 dB, and the API returns time
    -- signatures 0 and 1 although it documents 3..7.
    tempo            double precision NOT NULL CHECK (tempo BETWEEN 0 AND 400),
    key              smallint NOT NULL CHECK (key BETWEEN -1 AND 11),
    mode             smallint NOT NULL CHECK (mode IN (0, 1)),
    time_signature   smallint NOT NULL CHECK (time_signature BETWEEN 0 AND 7),
    loudness         double precision NOT NULL CHECK (loudness BETWEEN -100 AND 10),
    energy           double precision NOT NULL CHECK (energy BETWEEN 0 AND 1),
    danceability     double precision NOT NULL CHECK (danceability BETWEEN 0 AND 1),
    valence          double precision NOT NULL CHECK (valence BETWEEN 0 AND 1),
    acousticness     double precision NOT NULL CHECK (acousticness BETWEEN 0 AND 1),
    instrumentalness double precision NOT NULL CHECK (instrumentalness BETWEEN 0 AND 1),
    liveness         double precision NOT NULL CHECK (liveness BETWEEN 0 AND 1),
    speechiness      double precision NOT NULL CHECK (speechiness BETWEEN 0 AND 1),
    duration_ms      bigint NOT NULL CHECK (duration_ms >= 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, track_id),
    FOREIGN KEY (org_id, track_id) REFERENCES tracks ON DELETE CASCADE
);
CREATE TRIGGER audio_features_touch BEFORE UPDATE ON audio_features FOR EACH ROW EXECUTE FUNCTION tt_touch_updated_at();
COMMENT ON TABLE audio_features IS 'Spotify-compatible audio features of a track (one row per track): tempo, key, mode, time signature, loudness and the 0..1 ratios.';
