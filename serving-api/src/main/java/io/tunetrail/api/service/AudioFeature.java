package io.tunetrail.api.service;

/**
 * The audio features a recommendation list can be bounded by ({@code min_<name>} / {@code max_<name>}), with the
 * range the catalog's {@code audio_features} table allows for each (V2), which is what a bound is validated against.
 */
public enum AudioFeature {
    TEMPO("tempo", 0, 400),
    LOUDNESS("loudness", -100, 10),
    ENERGY("energy", 0, 1),
    DANCEABILITY("danceability", 0, 1),
    VALENCE("valence", 0, 1),
    ACOUSTICNESS("acousticness", 0, 1),
    INSTRUMENTALNESS("instrumentalness", 0, 1),
    LIVENESS("liveness", 0, 1),
    SPEECHINESS("speechiness", 0, 1);

    private final String column;
    private final double min;
    private final double max;

    AudioFeature(String column, double min, double max) {
        this.column = column;
        this.min = min;
        this.max = max;
    }

    /** The snake_case name: the query parameter's suffix and the {@code audio_features} column. */
    public String column() {
        return column;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }
}
