package io.tunetrail.ingestion.importers;

import static io.tunetrail.ingestion.importers.ImportTestSupport.REFERENCE;
import static io.tunetrail.ingestion.importers.ImportTestSupport.bytes;
import static io.tunetrail.ingestion.importers.ImportTestSupport.latin1;
import static io.tunetrail.ingestion.importers.ImportTestSupport.rejects;
import static io.tunetrail.ingestion.importers.ImportTestSupport.request;
import static io.tunetrail.ingestion.importers.ImportTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tunetrail.ingestion.importers.ImportTestSupport.Events;
import io.tunetrail.ingestion.importers.ImportTestSupport.Reject;
import io.tunetrail.model.Artist;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastFmImporterTest {
    @TempDir
    Path data;
    @TempDir
    Path out;

    @BeforeEach
    void writeSmallMalformedSet() {
        write(data, "artists.dat", bytes(
                "id\tname\turl\tpictureURL\n",
                "1\tMALICE MIZER\thttp://www.last.fm/music/MALICE+MIZER\thttp://x/1.jpg\n",
                "2\tDiary of Dreams\thttp://www.last.fm/music/Diary+of+Dreams\thttp://x/2.jpg\n",
                "x3\tBad Id\turl\tpic\n",                                  // line 4: non-numeric id
                "4\tTruncated\n",                                         // line 5: two columns
                "5\tBj", new byte[] {(byte) 0xF6}, "rk\turl\tpic\n",      // line 6: Latin-1 byte in a UTF-8 file
                "1\tDuplicate\turl\tpic\n",                               // line 7: id 1 again
                "6\tBeyoncé\turl\tpic\n"));
        write(data, "tags.dat", latin1("tagID\ttagValue\n1\tmetal\n2\tcafé\n3\trock\nabc\tbad\n4\t \n"));
        write(data, "user_taggedartists.dat", """
                userID\tartistID\ttagID\tday\tmonth\tyear
                2\t1\t1\t1\t4\t2009
                3\t1\t1\t1\t4\t2009
                2\t1\t3\t1\t4\t2009
                2\t2\t2\t1\t4\t2009
                2\t99\t1\t1\t4\t2009
                2\t1\t77\t1\t4\t2009
                2\t1\t1\t31\t2\t2009
                2\t1\t1\t1\t4
                """);
        write(data, "user_artists.dat", """
                userID\tartistID\tweight
                2\t1\t100
                2\t2\t50
                3\t1\t2500000
                3\t6\t7
                4\t99\t5
                4\t1\tabc
                5\t2\t0
                2\t1\t10
                6\t2
                """);
    }

    private ImportResult importSet(Events events) throws IOException {
        return new LastFmImporter().importInto(request(data, out), events);
    }

    @Test
    void countsAddUpPerFileAndBadRowsAreRejectedWithFileLineAndReason() throws IOException {
        ImportSummary summary = importSet(new Events()).summary();

        assertThat(summary.files()).extracting(ImportSummary.FileSummary::file, ImportSummary.FileSummary::read,
                ImportSummary.FileSummary::loaded, ImportSummary.FileSummary::rejected).containsExactly(
                tuple("artists.dat", 7L, 3L, 4L),
                tuple("tags.dat", 5L, 3L, 2L),
                tuple("user_taggedartists.dat", 8L, 4L, 4L),
                tuple("user_artists.dat", 9L, 4L, 5L));
        assertThat(summary.read()).isEqualTo(summary.loaded() + summary.rejected()).isEqualTo(29);

        assertThat(rejects(out, "lastfm-2k", "artists.dat")).extracting(Reject::file, Reject::line, Reject::code)
                .containsExactly(tuple("artists.dat", 4L, "BAD_ROW"), tuple("artists.dat", 5L, "BAD_ROW"),
                        tuple("artists.dat", 6L, "BAD_ROW"), tuple("artists.dat", 7L, "BAD_ROW"));
        assertThat(rejects(out, "lastfm-2k", "artists.dat")).extracting(Reject::reason).containsExactly(
                "id 'x3' is not a numeric id", "expected 4 columns, found 2", "not valid text in the file's encoding",
                "artist id 1 appears twice");
        assertThat(rejects(out, "lastfm-2k", "artists.dat").get(0).raw()).isEqualTo("x3\\tBad Id\\turl\\tpic");
        assertThat(rejects(out, "lastfm-2k", "artists.dat").get(2).raw()).isEqualTo("5\\tBj\\\\xF6rk\\turl\\tpic");

        assertThat(rejects(out, "lastfm-2k", "tags.dat")).extracting(Reject::line, Reject::reason).containsExactly(
                tuple(5L, "tagID 'abc' is not a numeric id"), tuple(6L, "tagValue is empty"));
        assertThat(rejects(out, "lastfm-2k", "user_taggedartists.dat")).extracting(Reject::line, Reject::reason)
                .containsExactly(tuple(6L, "artistID 99 is not in artists.dat"), tuple(7L, "tagID 77 is not in tags.dat"),
                        tuple(8L, "date 2009-2-31 does not exist"), tuple(9L, "expected 6 columns, found 5"));
        assertThat(rejects(out, "lastfm-2k", "user_artists.dat")).extracting(Reject::line, Reject::reason)
                .containsExactly(tuple(6L, "artistID 99 is not in artists.dat"), tuple(7L, "weight 'abc' is not a number"),
                        tuple(8L, "weight is 0, below 1"),
                        tuple(9L, "user 2 and artist 1 already appear on line 2"), tuple(10L, "expected 3 columns, found 2"));
        assertThat(summary.file("user_artists.dat").rejectFile())
                .isEqualTo(out.resolve("rejects/lastfm-2k-user_artists.dat.rejects.tsv"));
    }

    @Test
    void catalogHoldsValidRowsWithArtistsAsTracksAndTopTagsAsGenres() throws IOException {
        var catalog = importSet(new Events()).catalog();

        assertThat(catalog.orgs()).containsExactly(ImportTestSupport.ORG);
        assertThat(catalog.artists()).extracting(Artist::artistId, Artist::name).containsExactly(
                tuple("lfm-a1", "MALICE MIZER"), tuple("lfm-a2", "Diary of Dreams"), tuple("lfm-a6", "Beyoncé"));
        assertThat(catalog.genres()).extracting(Genre::genreId, Genre::name).containsExactly(
                tuple("lfm-t1", "metal"), tuple("lfm-t2", "café"), tuple("lfm-t3", "rock"));
        Map<String, Track> tracks = catalog.tracks().stream().collect(Collectors.toMap(Track::trackId, t -> t));
        assertThat(tracks).containsOnlyKeys("lfm-a1", "lfm-a2", "lfm-a6");
        // Artist 1: tag 1 twice, tag 3 once; the rejected tag assignments (77, bad date) do not count.
        assertThat(tracks.get("lfm-a1").genreIds()).containsExactly("lfm-t1", "lfm-t3");
        assertThat(tracks.get("lfm-a2").genreIds()).containsExactly("lfm-t2");
        assertThat(tracks.get("lfm-a6").genreIds()).isEmpty();
        assertThat(tracks.get("lfm-a1").artistId()).isEqualTo("lfm-a1");
        assertThat(tracks.get("lfm-a1").title()).isEqualTo("MALICE MIZER");
        // Artist 1 has two listeners (most), artist 2 and 6 one each: log scale.
        assertThat(tracks.get("lfm-a1").popularity()).isEqualTo(100);
        assertThat(tracks.get("lfm-a2").popularity()).isEqualTo(63);
        assertThat(catalog.users()).extracting(EndUser::userId).containsExactly("lfm-u2", "lfm-u3");
        assertThat(catalog.audioFeatures()).isEmpty();
    }

    @Test
    void playCountsBecomePlayEventsWithCountAndLargeWeightsAreSplitExactly() throws IOException {
        Events events = new Events();
        ImportSummary summary = importSet(events).summary();

        assertThat(events.list).extracting(InteractionEvent::userId, InteractionEvent::trackId,
                InteractionEvent::clientEventId, InteractionEvent::count).containsExactly(
                tuple("lfm-u2", "lfm-a1", "lfm-p-2-1", 100),
                tuple("lfm-u2", "lfm-a2", "lfm-p-2-2", 50),
                tuple("lfm-u3", "lfm-a1", "lfm-p-3-1-0", 1_000_000),
                tuple("lfm-u3", "lfm-a1", "lfm-p-3-1-1", 1_000_000),
                tuple("lfm-u3", "lfm-a1", "lfm-p-3-1-2", 500_000),
                tuple("lfm-u3", "lfm-a6", "lfm-p-3-6", 7));
        assertThat(summary.events()).isEqualTo(6);
        assertThat(summary.eventCountTotal()).isEqualTo(100 + 50 + 2_500_000 + 7);
        for (InteractionEvent e : events.list) {
            assertThat(e.eventType()).isEqualTo(EventType.PLAY);
            assertThat(e.orgId()).isEqualTo("org-test");
            assertThat(e.eventTime()).isAfter(REFERENCE.minus(Duration.ofDays(365))).isBeforeOrEqualTo(REFERENCE);
            ImportTestSupport.assertValidOnTheWire(e);
        }
        // Different pairs get different times (spread), and a user is first seen at their earliest event.
        assertThat(events.list.get(0).eventTime()).isNotEqualTo(events.list.get(1).eventTime());
        EndUser u2 = importSet(new Events()).catalog().users().get(0);
        assertThat(u2.firstSeen()).isEqualTo(events.list.get(0).eventTime().isBefore(events.list.get(1).eventTime())
                ? events.list.get(0).eventTime() : events.list.get(1).eventTime());
    }

    @Test
    void importIsDeterministicAndRewritesItsRejectFiles() throws IOException {
        Events first = new Events();
        Events second = new Events();
        importSet(first);
        Path rejectFile = out.resolve("rejects/lastfm-2k-user_artists.dat.rejects.tsv");
        long size = Files.size(rejectFile);
        importSet(second);

        assertThat(second.list).isEqualTo(first.list);
        assertThat(Files.size(rejectFile)).as("reject file replaced, not appended to").isEqualTo(size);
    }

    @Test
    void eventTimesDependOnTheReferenceTimeOnly() {
        var a = LastFmImporter.eventTime(REFERENCE, 2, 51);
        assertThat(LastFmImporter.eventTime(REFERENCE, 2, 51)).isEqualTo(a);
        assertThat(LastFmImporter.eventTime(REFERENCE.plusSeconds(10), 2, 51)).isEqualTo(a.plusSeconds(10));
    }

    @Test
    void aMissingFileFailsBeforeAnyEventNamingFileAndDirectory() throws IOException {
        Files.delete(data.resolve("user_taggedartists.dat"));
        Events events = new Events();

        assertThatThrownBy(() -> new LastFmImporter().importInto(request(data, out), events))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user_taggedartists.dat")
                .hasMessageContaining(data.toAbsolutePath().toString());
        assertThat(events.list).isEmpty();
    }

    @Test
    void aFileWithAnotherHeaderIsRefusedNamingTheMissingColumn() {
        write(data, "user_artists.dat", "user\tartistID\tweight\n2\t1\t100\n");

        assertThatThrownBy(() -> new LastFmImporter().importInto(request(data, out), new Events()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user_artists.dat")
                .hasMessageContaining("[userID]");
    }

    @Test
    void summaryFormatShowsEveryFileAndTheRejectFiles() throws IOException {
        String text = importSet(new Events()).summary().format();

        assertThat(text).contains("lastfm-2k", "artists.dat", "user_artists.dat", "total", "rows/s",
                "2,500,157 interactions", "lastfm-2k-user_artists.dat.rejects.tsv");
        assertThat(List.of(text.split("\n"))).anyMatch(l -> l.contains("total") && l.contains("29"));
    }
}
