package io.tunetrail.model;

import java.util.List;

/**
 * Everything about an org's world that is not a stream of events: orgs, their listeners and their music.
 * Generators and importers build one; the catalog store loads it into PostgreSQL.
 */
public record Catalog(
        List<Org> orgs,
        List<EndUser> users,
        List<Artist> artists,
        List<Genre> genres,
        List<Track> tracks,
        List<AudioFeatures> audioFeatures) {

    public Catalog {
        orgs = List.copyOf(orgs);
        users = List.copyOf(users);
        artists = List.copyOf(artists);
        genres = List.copyOf(genres);
        tracks = List.copyOf(tracks);
        audioFeatures = List.copyOf(audioFeatures);
    }

    public long rowCount() {
        return (long) orgs.size() + users.size() + artists.size() + genres.size() + tracks.size() + audioFeatures.size();
    }
}
