package io.tunetrail.api.service;

import java.util.List;

/**
 * What a recommendation list needs to know of one catalog track: what a client shows (title, artist, genres,
 * duration, ...) and what filters and business rules test (genres, artist, release year, audio features).
 * {@code audio} holds the catalog's audio features in {@link AudioFeature} order, or null when the track has none.
 */
public record TrackCard(String trackId, String title, String artistId, String artistName, String album, Integer releaseYear,
        long durationMs, int popularity, List<String> genreIds, double[] audio) {

    public TrackCard {
        genreIds = List.copyOf(genreIds);
    }

    /** The feature's value, or NaN when the track has no audio features. */
    public double feature(AudioFeature f) {
        return audio == null ? Double.NaN : audio[f.ordinal()];
    }
}
