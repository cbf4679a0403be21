package io.tunetrail.model;

/**
 * Spotify-compatible audio features of one track. Ranges follow Spotify's definitions: the ratios are 0..1,
 * {@code tempo} is BPM, {@code key} is a pitch class 0..11 (-1 when none), {@code mode} 1 major / 0 minor,
 * {@code loudness} is dB (typically -60..0), {@code timeSignature} is beats per bar (3..7).
 */
public record AudioFeatures(
        String orgId,
        String trackId,
        double tempo,
        int key,
        int mode,
        int timeSignature,
        double loudness,
        double energy,
        double danceability,
        double valence,
        double acousticness,
        double instrumentalness,
        double liveness,
        double speechiness,
        long durationMs) {}
