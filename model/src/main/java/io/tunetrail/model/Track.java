package io.tunetrail.model;

import java.util.List;

/**
 * A catalog item of an org. {@code artistId} may be null for catalogs without artists (MovieLens items);
 * {@code releaseYear} is null when unknown; {@code popularity} is 0..100.
 */
public record Track(
        String orgId,
        String trackId,
        String title,
        String artistId,
        String album,
        Integer releaseYear,
        long durationMs,
        int popularity,
        List<String> genreIds) {

    public Track {
        genreIds = List.copyOf(genreIds);
    }
}
