package io.tunetrail.ingestion.importers;

import static io.tunetrail.ingestion.importers.ImportTestSupport.latin1;
import static io.tunetrail.ingestion.importers.ImportTestSupport.rejects;
import static io.tunetrail.ingestion.importers.ImportTestSupport.request;
import static io.tunetrail.ingestion.importers.ImportTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tunetrail.ingestion.importers.ImportTestSupport.Events;
import io.tunetrail.ingestion.importers.ImportTestSupport.Reject;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensImporterTest {
    @TempDir
    Path data;
    @TempDir
    Path out;

    private void writeLatest() {
        // CRLF like the real ml-latest-small files.
        write(data, "movies.csv", String.join("\r\n",
                "movieId,title,genres",
                "1,Toy Story (1995),Adventure|Animation|Children",
                "11,\"American President, The (1995)\",Comedy|Drama|Romance",
                "x,Bad Id,Drama",
                "20,No Genre Movie,(no genres listed)",
                "21,Sci Fun (2001),Sci-Fi|Comedy") + "\r\n");
        write(data, "ratings.csv", String.join("\r\n",
                "userId,movieId,rating,timestamp",
                "1,1,4.0,964982703",
                "1,11,2.0,964982704",
                "2,1,3.5,964982800",
                "2,20,5,964982000",
                "2,999,4.0,964982703",
                "3,1,high,1",
                "3,1,4.0,-5",
                "4,1,0,100",
                "1,1,4.0",
                "2,21,2.5,964983000") + "\r\n");
    }

    @Test
    void latestLayoutMapsRatingsToLikeDislikeAndPlay() throws IOException {
        writeLatest();
        Events events = new Events();
        ImportResult result = new MovieLensImporter().importInto(request(data, out), events);

        assertThat(events.list).extracting(InteractionEvent::userId, InteractionEvent::trackId,
                InteractionEvent::eventType, InteractionEvent::eventTime, InteractionEvent::clientEventId).containsExactly(
                tuple("ml-u1", "ml-m1", EventType.LIKE, Instant.ofEpochSecond(964982703), "ml-r-1-1-964982703"),
                tuple("ml-u1", "ml-m11", EventType.DISLIKE, Instant.ofEpochSecond(964982704), "ml-r-1-11-964982704"),
                tuple("ml-u2", "ml-m1", EventType.PLAY, Instant.ofEpochSecond(964982800), "ml-r-2-1-964982800"),
                tuple("ml-u2", "ml-m20", EventType.LIKE, Instant.ofEpochSecond(964982000), "ml-r-2-20-964982000"),
                tuple("ml-u2", "ml-m21", EventType.PLAY, Instant.ofEpochSecond(964983000), "ml-r-2-21-964983000"));
        events.list.forEach(ImportTestSupport::assertValidOnTheWire);
        assertThat(events.list).allMatch(e -> e.count() == 1);

        assertThat(result.summary().file("movies.csv")).extracting(ImportSummary.FileSummary::read,
                ImportSummary.FileSummary::loaded, ImportSummary.FileSummary::rejected).containsExactly(5L, 4L, 1L);
        assertThat(result.summary().file("ratings.csv")).extracting(ImportSummary.FileSummary::read,
                ImportSummary.FileSummary::loaded, ImportSummary.FileSummary::rejected).containsExactly(10L, 5L, 5L);
        assertThat(rejects(out, "movielens", "movies.csv")).extracting(Reject::line, Reject::reason)
                .containsExactly(tuple(4L, "movieId 'x' is not a numeric id"));
        assertThat(rejects(out, "movielens", "ratings.csv")).extracting(Reject::file, Reject::line, Reject::reason)
                .containsExactly(
                        tuple("ratings.csv", 6L, "movieId 999 is not in movies.csv"),
                        tuple("ratings.csv", 7L, "rating 'high' is not a number"),
                        tuple("ratings.csv", 8L, "timestamp is -5, outside 0..253402300799"),
                        tuple("ratings.csv", 9L, "rating is 0, outside 0.5..5.0"),
                        tuple("ratings.csv", 10L, "expected 4 columns, found 3"));
    }

    @Test
    void latestLayoutMoviesBecomeTracksWithoutArtist() throws IOException {
        writeLatest();
        Catalog catalog = new MovieLensImporter().importInto(request(data, out), new Events()).catalog();
        Map<String, Track> tracks = catalog.tracks().stream().collect(Collectors.toMap(Track::trackId, t -> t));

        assertThat(catalog.tracks()).extracting(Track::trackId).containsExactly("ml-m1", "ml-m11", "ml-m20", "ml-m21");
        Track president = tracks.get("ml-m11");
        assertThat(president.title()).isEqualTo("American President, The (1995)");
        assertThat(president.releaseYear()).isEqualTo(1995);
        assertThat(president.artistId()).isNull();
        assertThat(president.genreIds()).containsExactly("ml-g-comedy", "ml-g-drama", "ml-g-romance");
        assertThat(tracks.get("ml-m20").genreIds()).isEmpty();
        assertThat(tracks.get("ml-m20").releaseYear()).isNull();
        assertThat(tracks.get("ml-m21").genreIds()).containsExactly("ml-g-sci-fi", "ml-g-comedy");
        // Movie 1 has the most ratings (2 loaded), movie 11 one: log scale; the rejected ratings do not count.
        assertThat(tracks.get("ml-m1").popularity()).isEqualTo(100);
        assertThat(tracks.get("ml-m11").popularity()).isEqualTo(63);
        assertThat(catalog.genres()).extracting(Genre::name).containsExactly("Adventure", "Animation", "Children",
                "Comedy", "Drama", "Romance", "Sci-Fi");
        assertThat(catalog.users()).extracting(EndUser::userId, EndUser::firstSeen).containsExactly(
                tuple("ml-u1", Instant.ofEpochSecond(964982703)), tuple("ml-u2", Instant.ofEpochSecond(964982000)));
        assertThat(catalog.artists()).isEmpty();
    }

    private static String flags(int... set) {
        int[] f = new int[19];
        for (int i : set) {
            f[i] = 1;
        }
        return java.util.Arrays.stream(f).mapToObj(String::valueOf).collect(Collectors.joining("|"));
    }

    private void write100k(boolean withGenreFile) {
        write(data, "u.item", latin1(String.join("\n",
                "1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|" + flags(3, 4, 5),
                "2|Café Society (1995)|32-Jan-1995||http://x|" + flags(8),
                "3|Un Café (1996)|05-Feb-1996||http://x|" + flags(0),
                "4|Short|01-Jan-1995",
                "5|Flags|01-Jan-1995||http://x|" + flags(1).replaceFirst("1", "2"),
                "267|unknown||||" + flags(0)) + "\n"));
        if (withGenreFile) {
            StringBuilder genres = new StringBuilder();
            for (int i = 0; i < MovieLensImporter.ML100K_GENRES.size(); i++) {
                genres.append(MovieLensImporter.ML100K_GENRES.get(i)).append('|').append(i).append('\n');
            }
            write(data, "u.genre", genres.append("\n\n").toString()); // the real file ends with blank lines
        }
        write(data, "u.data", "196\t1\t3\t881250949\n196\t3\t5\t881250950\n22\t1\t1\t881250951\n"
                + "22\t2\t4\t881250952\n22\tx\t4\t1\n");
    }

    @Test
    void ml100kLayoutReadsTabSeparatedRatingsAndLatin1Items() throws IOException {
        write100k(true);
        Events events = new Events();
        ImportResult result = new MovieLensImporter().importInto(request(data, out), events);

        assertThat(events.list).extracting(InteractionEvent::userId, InteractionEvent::trackId,
                InteractionEvent::eventType).containsExactly(
                tuple("ml-u196", "ml-m1", EventType.PLAY), tuple("ml-u196", "ml-m3", EventType.LIKE),
                tuple("ml-u22", "ml-m1", EventType.DISLIKE));
        events.list.forEach(ImportTestSupport::assertValidOnTheWire);

        Map<String, Track> tracks = result.catalog().tracks().stream()
                .collect(Collectors.toMap(Track::trackId, t -> t));
        assertThat(tracks).containsOnlyKeys("ml-m1", "ml-m3", "ml-m267");
        assertThat(tracks.get("ml-m1").genreIds()).containsExactly("ml-g-animation", "ml-g-children-s", "ml-g-comedy");
        assertThat(tracks.get("ml-m1").releaseYear()).isEqualTo(1995);
        assertThat(tracks.get("ml-m3").title()).isEqualTo("Un Café (1996)");
        assertThat(tracks.get("ml-m3").genreIds()).as("'unknown' is no genre").isEmpty();
        assertThat(tracks.get("ml-m267").releaseYear()).isNull();

        assertThat(result.summary().file("u.genre").loaded()).isEqualTo(19);
        assertThat(result.summary().file("u.genre").rejected()).isZero();
        assertThat(rejects(out, "movielens", "u.item")).extracting(Reject::line, Reject::reason).containsExactly(
                tuple(2L, "release date '32-Jan-1995' is not a DD-Mon-YYYY date"),
                tuple(4L, "expected 24 columns, found 3"),
                tuple(5L, "flag 1 (Action) is 2, outside 0..1"));
        assertThat(rejects(out, "movielens", "u.data")).extracting(Reject::line, Reject::reason).containsExactly(
                tuple(4L, "item id 2 is not in u.item"), tuple(5L, "item id 'x' is not a numeric id"));
        assertThat(result.summary().read()).isEqualTo(result.summary().loaded() + result.summary().rejected());
    }

    @Test
    void ml100kWithoutGenreFileUsesTheFixedGenreNames() throws IOException {
        write100k(false);
        ImportResult result = new MovieLensImporter().importInto(request(data, out), new Events());

        assertThat(result.summary().files()).extracting(ImportSummary.FileSummary::file).containsExactly("u.item", "u.data");
        assertThat(result.catalog().genres()).extracting(Genre::name).containsExactly("Animation", "Children's", "Comedy");
    }

    @Test
    void aFolderWithBothLayoutsIsAmbiguous() {
        writeLatest();
        write100k(true);

        assertThatThrownBy(() -> new MovieLensImporter().importInto(request(data, out), new Events()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both ratings.csv")
                .hasMessageContaining("u.data");
    }

    @Test
    void aFolderWithNeitherLayoutNamesTheExpectedFiles() {
        assertThatThrownBy(() -> new MovieLensImporter().importInto(request(data, out), new Events()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ratings.csv")
                .hasMessageContaining("u.data")
                .hasMessageContaining(data.toAbsolutePath().toString());
    }

    @Test
    void ratingsWithoutMoviesNameTheMissingFile() throws IOException {
        writeLatest();
        Files.delete(data.resolve("movies.csv"));

        assertThatThrownBy(() -> new MovieLensImporter().importInto(request(data, out), new Events()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("required file movies.csv is missing from " + data.toAbsolutePath());
    }

    @Test
    void ratingThresholds() {
        assertThat(MovieLensImporter.eventType(5.0)).isEqualTo(EventType.LIKE);
        assertThat(MovieLensImporter.eventType(4.0)).isEqualTo(EventType.LIKE);
        assertThat(MovieLensImporter.eventType(3.5)).isEqualTo(EventType.PLAY);
        assertThat(MovieLensImporter.eventType(2.5)).isEqualTo(EventType.PLAY);
        assertThat(MovieLensImporter.eventType(2.0)).isEqualTo(EventType.DISLIKE);
        assertThat(MovieLensImporter.eventType(0.5)).isEqualTo(EventType.DISLIKE);
    }
}
