package io.tunetrail.ingestion.importers;

import static io.tunetrail.ingestion.importers.ImportTestSupport.bytes;
import static io.tunetrail.ingestion.importers.ImportTestSupport.rejects;
import static io.tunetrail.ingestion.importers.ImportTestSupport.request;
import static io.tunetrail.ingestion.importers.ImportTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tunetrail.ingestion.importers.ImportTestSupport.Events;
import io.tunetrail.ingestion.importers.ImportTestSupport.Reject;
import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Genre;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpotifySongsImporterTest {
    static final String HEADER = "track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,"
            + "track_album_release_date,playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,"
            + "key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms\n";

    @TempDir
    Path data;
    @TempDir
    Path out;

    /** A row with the given identity and genre columns and fixed, valid audio features. */
    private static String song(String id, String name, String artist, String date, String genre, String sub) {
        return song(id, name, artist, date, genre, sub, "0.748");
    }

    private static String song(String id, String name, String artist, String date, String genre, String sub,
            String danceability) {
        return String.join(",", id, name, artist, "66", "2oCs0DGTsRO98Gh5ZSl2Cx", "\"Album, \"\"Deluxe\"\"\"", date,
                "\"Pop, Remix\"", "37i9dQZF1DXcZDD7cfEKhW", genre, sub, danceability, "0.916", "6", "-2.634", "1",
                "0.0583", "0.102", "0", "0.0653", "0.518", "122.036", "194754") + "\n";
    }

    private ImportResult importSet() throws IOException {
        write(data, "spotify_songs.csv", bytes(HEADER,
                song("AAA111", "\"Hello, World\"", "Ed Sheeran", "2019-06-14", "pop", "dance pop"),   // line 2
                song("AAA111", "\"Hello, World\"", "Ed Sheeran", "2019-06-14", "rock", "hard rock"),  // 3: same track
                song("BBB222", "NA", "NA", "2012", "r&b", "new jack swing"),                        // 4: R's NA
                song("CCC333", "Feb", "X", "2019-02-30", "pop", "dance pop"),                       // 5: no such day
                song("DDD444", "High", "X", "2019-01-01", "pop", "dance pop", "high"),             // 6: not a number
                "EEE000,truncated,X,66\n",                                                           // 7: 4 columns
                song("EEE555", "Month", "Ed Sheeran", "2016-07", "pop", "electropop"),              // 8
                "HHH888,\"Broken, never closed,X\n",                                                 // 9: stray quote
                song("FFF666", "Fine", "Ångström", "1999-12-31", "edm", "big room"),               // 10
                "GGG777,Bj", new byte[] {(byte) 0xF6}, "rk,X\n",                                    // 11: not UTF-8
                song("III999", "Tuning", "X", "2001", "rock", "hard rock", "1.5")));               // 12: > 1
        return new SpotifySongsImporter().importInto(request(data, out), new Events());
    }

    @Test
    void badRowsAreRejectedWithLineAndReasonAndCountsAddUp() throws IOException {
        ImportSummary summary = importSet().summary();

        ImportSummary.FileSummary file = summary.file("spotify_songs.csv");
        assertThat(file.read()).isEqualTo(11);
        assertThat(file.loaded()).isEqualTo(5);
        assertThat(file.rejected()).isEqualTo(6);
        assertThat(rejects(out, "spotify", "spotify_songs.csv")).extracting(Reject::line, Reject::reason)
                .containsExactly(
                        tuple(5L, "track_album_release_date '2019-02-30' does not exist"),
                        tuple(6L, "danceability 'high' is not a number"),
                        tuple(7L, "expected 23 columns, found 4"),
                        tuple(9L, "quoted field in column 2 is not closed"),
                        tuple(11L, "not valid text in the file's encoding"),
                        tuple(12L, "danceability is 1.5, outside 0.0..1.0"));
        assertThat(summary.events()).isZero();
    }

    @Test
    void repeatedTracksAreMergedWithTheirGenresAndSubgenresAreChildren() throws IOException {
        Catalog catalog = importSet().catalog();
        Map<String, Track> tracks = catalog.tracks().stream().collect(Collectors.toMap(Track::trackId, t -> t));

        assertThat(catalog.tracks()).extracting(Track::trackId)
                .containsExactly("sp-AAA111", "sp-BBB222", "sp-EEE555", "sp-FFF666");
        Track hello = tracks.get("sp-AAA111");
        assertThat(hello.title()).isEqualTo("Hello, World");
        assertThat(hello.album()).isEqualTo("Album, \"Deluxe\"");
        assertThat(hello.genreIds()).containsExactly("sp-g-pop", "sp-g-pop.dance-pop", "sp-g-rock", "sp-g-rock.hard-rock");
        assertThat(hello.releaseYear()).isEqualTo(2019);
        assertThat(hello.popularity()).isEqualTo(66);
        assertThat(hello.durationMs()).isEqualTo(194_754);
        assertThat(catalog.genres()).extracting(Genre::genreId, Genre::name, Genre::parentGenreId).containsExactly(
                tuple("sp-g-pop", "pop", null), tuple("sp-g-pop.dance-pop", "dance pop", "sp-g-pop"),
                tuple("sp-g-rock", "rock", null), tuple("sp-g-rock.hard-rock", "hard rock", "sp-g-rock"),
                tuple("sp-g-r-b", "r&b", null), tuple("sp-g-r-b.new-jack-swing", "new jack swing", "sp-g-r-b"),
                tuple("sp-g-pop.electropop", "electropop", "sp-g-pop"),
                tuple("sp-g-edm", "edm", null), tuple("sp-g-edm.big-room", "big room", "sp-g-edm"));
        assertThat(tracks.get("sp-EEE555").releaseYear()).isEqualTo(2016);
        assertThat(tracks.get("sp-BBB222").releaseYear()).isEqualTo(2012);
    }

    @Test
    void artistsHaveIdsFromTheirNameAndNaMeansUnknown() throws IOException {
        Catalog catalog = importSet().catalog();
        Map<String, Track> tracks = catalog.tracks().stream().collect(Collectors.toMap(Track::trackId, t -> t));

        assertThat(catalog.artists()).extracting(Artist::name).containsExactly("Ed Sheeran", "Ångström");
        String ed = Ids.hashed("sp-ar-", "Ed Sheeran");
        assertThat(ed).startsWith("sp-ar-ed-sheeran-").hasSize("sp-ar-ed-sheeran-".length() + 12);
        assertThat(tracks.get("sp-AAA111").artistId()).isEqualTo(ed);
        assertThat(tracks.get("sp-EEE555").artistId()).isEqualTo(ed);
        assertThat(tracks.get("sp-FFF666").artistId()).startsWith("sp-ar-angstrom-");
        assertThat(tracks.get("sp-BBB222").artistId()).isNull();
        assertThat(tracks.get("sp-BBB222").title()).isEqualTo(SpotifySongsImporter.UNKNOWN_TITLE);
        assertThat(tracks.get("sp-BBB222").album()).isEqualTo("Album, \"Deluxe\"");
        for (String id : catalog.artists().stream().map(Artist::artistId).toList()) {
            assertThat(Ids.isValid(id)).as(id).isTrue();
        }
        assertThat(Ids.hashed("sp-ar-", "ED SHEERAN")).isNotEqualTo(ed);
        assertThat(Ids.hashed("sp-ar-", "米津玄師")).matches("sp-ar-[0-9a-f]{12}");
    }

    @Test
    void everyTrackHasAudioFeaturesWithTheDefaultTimeSignature() throws IOException {
        Catalog catalog = importSet().catalog();

        assertThat(catalog.audioFeatures()).extracting(AudioFeatures::trackId)
                .containsExactly("sp-AAA111", "sp-BBB222", "sp-EEE555", "sp-FFF666");
        AudioFeatures f = catalog.audioFeatures().get(0);
        assertThat(f).isEqualTo(new AudioFeatures("org-test", "sp-AAA111", 122.036, 6, 1, 4, -2.634, 0.916, 0.748,
                0.518, 0.102, 0.0, 0.0653, 0.0583, 194_754));
    }

    @Test
    void releaseYearAcceptsTheThreeFormatsOnly() throws BadRowException {
        assertThat(SpotifySongsImporter.releaseYear("1957")).isEqualTo(1957);
        assertThat(SpotifySongsImporter.releaseYear("2016-07")).isEqualTo(2016);
        assertThat(SpotifySongsImporter.releaseYear("2020-02-29")).isEqualTo(2020);
        assertThat(SpotifySongsImporter.releaseYear(null)).isNull();
        assertThatThrownBy(() -> SpotifySongsImporter.releaseYear("2019-13")).isInstanceOf(BadRowException.class);
        assertThatThrownBy(() -> SpotifySongsImporter.releaseYear("2019-02-29")).isInstanceOf(BadRowException.class);
        assertThatThrownBy(() -> SpotifySongsImporter.releaseYear("14/06/2019")).isInstanceOf(BadRowException.class);
        assertThatThrownBy(() -> SpotifySongsImporter.releaseYear("0999")).isInstanceOf(BadRowException.class);
        assertThatThrownBy(() -> SpotifySongsImporter.releaseYear("3001-01-01")).isInstanceOf(BadRowException.class);
    }

    @Test
    void aFileWithoutARequiredColumnIsRefused() {
        write(data, "spotify_songs.csv", "track_id,track_name\nA,b\n");

        assertThatThrownBy(() -> new SpotifySongsImporter().importInto(request(data, out), new Events()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spotify_songs.csv")
                .hasMessageContaining("track_artist");
    }
}
