package io.tunetrail.model;

import java.util.ArrayList;
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

    /** Several catalogs as one, in order: e.g. one per org, loaded together. */
    public static Catalog concat(List<Catalog> catalogs) {
        List<Org> orgs = new ArrayList<>();
        List<EndUser> users = new ArrayList<>();
        List<Artist> artists = new ArrayList<>();
        List<Genre> genres = new ArrayList<>();
        List<Track> tracks = new ArrayList<>();
        List<AudioFeatures> features = new ArrayList<>();
        for (Catalog c : catalogs) {
            orgs.addAll(c.orgs());
            users.addAll(c.users());
            artists.addAll(c.artists());
            genres.addAll(c.genres());
            tracks.addAll(c.tracks());
            features.addAll(c.audioFeatures());
        }
        return new Catalog(orgs, users, artists, genres, tracks, features);
    }

    public long rowCount() {
        return (long) orgs.size() + users.size() + artists.size() + genres.size() + tracks.size() + audioFeatures.size();
    }
}
