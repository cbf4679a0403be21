package io.tunetrail.ingestion.synthetic;

import java.util.List;

/**
 * The generator's fixed genre tree: twelve top-level genres, each with subgenres that carry an audio profile.
 *
 * <p>The profiles follow the per-genre averages of real Spotify audio features (for the genres that data set has) and
 * common knowledge of the rest: techno near 130 BPM and instrumental, boom-bap near 90 BPM and wordy, ambient slow,
 * quiet and acoustic. They are what makes activities correlate with audio features: a workout pulls energetic genres,
 * sleep pulls ambient and classical.
 */
final class GenreTaxonomy {
    private GenreTaxonomy() {}

    /**
     * Mean audio features of a subgenre. Tempo spread is per subgenre (dance music is tight around its BPM, classical
     * is wide); the ratios get a common spread when a track is drawn. {@code lastYear} 0 means up to the reference year.
     */
    record Profile(double tempo, double tempoSd, double energy, double danceability, double valence,
                   double acousticness, double instrumentalness, double speechiness, int durationSec,
                   int firstYear, int lastYear) {}

    record Sub(String id, String name, Profile profile) {}

    /** A top-level genre; {@code catalogShare} is its share of every org's tracks (the shares sum to 1). */
    record Top(String id, String name, double catalogShare, List<Sub> subgenres) {}

    private static Sub sub(String id, String name, double tempo, double tempoSd, double energy, double dance,
                           double valence, double acoustic, double instrumental, double speech, int durationSec,
                           int firstYear, int lastYear) {
        return new Sub(id, name, new Profile(tempo, tempoSd, energy, dance, valence, acoustic, instrumental, speech,
                durationSec, firstYear, lastYear));
    }

    static final List<Top> GENRES = List.of(
            new Top("pop", "Pop", 0.16, List.of(
                    sub("dance-pop", "Dance Pop", 120, 12, 0.75, 0.72, 0.60, 0.12, 0.01, 0.07, 205, 2000, 0),
                    sub("electropop", "Electropop", 118, 14, 0.72, 0.68, 0.50, 0.10, 0.03, 0.06, 210, 2005, 0),
                    sub("indie-pop", "Indie Pop", 112, 20, 0.58, 0.60, 0.50, 0.30, 0.05, 0.05, 220, 2005, 0))),
            new Top("rock", "Rock", 0.11, List.of(
                    sub("classic-rock", "Classic Rock", 122, 22, 0.70, 0.50, 0.60, 0.20, 0.05, 0.05, 250, 1965, 1990),
                    sub("alt-rock", "Alternative Rock", 126, 22, 0.78, 0.48, 0.45, 0.08, 0.04, 0.06, 230, 1990, 0),
                    sub("indie-rock", "Indie Rock", 124, 22, 0.66, 0.52, 0.45, 0.20, 0.08, 0.05, 225, 2000, 0))),
            new Top("metal", "Metal", 0.06, List.of(
                    sub("heavy-metal", "Heavy Metal", 135, 22, 0.92, 0.40, 0.35, 0.02, 0.10, 0.08, 290, 1975, 0),
                    sub("metalcore", "Metalcore", 145, 20, 0.95, 0.42, 0.30, 0.01, 0.03, 0.10, 240, 2000, 0))),
            new Top("hip-hop", "Hip-Hop", 0.12, List.of(
                    sub("trap", "Trap", 140, 10, 0.65, 0.75, 0.40, 0.12, 0.02, 0.25, 190, 2010, 0),
                    sub("boom-bap", "Boom Bap", 92, 6, 0.68, 0.78, 0.55, 0.15, 0.03, 0.30, 230, 1988, 0),
                    sub("southern-hip-hop", "Southern Hip-Hop", 100, 16, 0.70, 0.80, 0.50, 0.08, 0.01, 0.22, 220, 1995, 0))),
            new Top("rnb", "R&B", 0.08, List.of(
                    sub("neo-soul", "Neo Soul", 90, 14, 0.48, 0.66, 0.50, 0.35, 0.05, 0.08, 250, 1995, 0),
                    sub("contemporary-rnb", "Contemporary R&B", 102, 18, 0.58, 0.70, 0.50, 0.20, 0.02, 0.10, 215, 2000, 0))),
            new Top("electronic", "Electronic", 0.11, List.of(
                    sub("house", "House", 124, 3, 0.82, 0.78, 0.58, 0.05, 0.50, 0.06, 320, 1990, 0),
                    sub("techno", "Techno", 130, 4, 0.88, 0.70, 0.30, 0.02, 0.80, 0.05, 380, 1990, 0),
                    sub("drum-and-bass", "Drum and Bass", 174, 3, 0.92, 0.55, 0.40, 0.02, 0.55, 0.07, 300, 1995, 0))),
            new Top("latin", "Latin", 0.08, List.of(
                    sub("reggaeton", "Reggaeton", 95, 5, 0.78, 0.80, 0.70, 0.12, 0.01, 0.12, 210, 2004, 0),
                    sub("latin-pop", "Latin Pop", 110, 20, 0.72, 0.72, 0.72, 0.20, 0.01, 0.07, 205, 1995, 0))),
            new Top("jazz", "Jazz", 0.06, List.of(
                    sub("bebop", "Bebop", 170, 30, 0.50, 0.50, 0.60, 0.75, 0.60, 0.05, 300, 1950, 0),
                    sub("smooth-jazz", "Smooth Jazz", 95, 15, 0.42, 0.60, 0.55, 0.55, 0.60, 0.04, 280, 1980, 0))),
            new Top("classical", "Classical", 0.07, List.of(
                    sub("baroque", "Baroque", 105, 25, 0.20, 0.30, 0.45, 0.95, 0.90, 0.04, 330, 1960, 0),
                    sub("romantic", "Romantic", 90, 25, 0.18, 0.22, 0.30, 0.95, 0.90, 0.04, 480, 1960, 0),
                    sub("minimalism", "Minimalism", 100, 25, 0.15, 0.25, 0.25, 0.90, 0.92, 0.04, 420, 1975, 0))),
            new Top("ambient", "Ambient", 0.05, List.of(
                    sub("drone", "Drone", 68, 8, 0.10, 0.15, 0.08, 0.85, 0.92, 0.04, 480, 1985, 0),
                    sub("sleep-sounds", "Sleep Sounds", 60, 8, 0.06, 0.12, 0.10, 0.92, 0.95, 0.04, 560, 2010, 0))),
            new Top("lofi", "Lo-Fi", 0.05, List.of(
                    sub("lofi-hip-hop", "Lo-Fi Hip-Hop", 80, 6, 0.32, 0.70, 0.45, 0.60, 0.85, 0.07, 150, 2014, 0),
                    sub("chillhop", "Chillhop", 88, 8, 0.40, 0.72, 0.55, 0.50, 0.75, 0.08, 170, 2014, 0))),
            new Top("folk", "Folk", 0.05, List.of(
                    sub("indie-folk", "Indie Folk", 105, 22, 0.35, 0.50, 0.40, 0.75, 0.10, 0.04, 225, 2000, 0),
                    sub("singer-songwriter", "Singer-Songwriter", 100, 22, 0.30, 0.50, 0.35, 0.80, 0.02, 0.05, 215, 1970, 0))));

    static final int COUNT = GENRES.size();

    /** The index of a top-level genre id; fails for an unknown id, which is a bug in a table of this package. */
    static int index(String topGenreId) {
        for (int i = 0; i < COUNT; i++) {
            if (GENRES.get(i).id().equals(topGenreId)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no top-level genre '" + topGenreId + "'");
    }

    static String id(int index) {
        return GENRES.get(index).id();
    }
}
