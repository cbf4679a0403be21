package io.tunetrail.ingestion.importers;

import static io.tunetrail.ingestion.importers.ImportTestSupport.REFERENCE;
import static io.tunetrail.ingestion.importers.ImportTestSupport.rejects;
import static io.tunetrail.ingestion.importers.ImportTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importers on the real samples of {@code ../shared/datasets/}; skipped when that folder is absent. */
class SharedDatasetsImportTest {
    /** Schema-validating every event would dominate the test time; every n-th one still catches a bad mapping. */
    private static final int VALIDATE_EVERY = 499;

    @TempDir
    Path out;

    /** Counts events without keeping them, and validates a sample on the wire. */
    private static final class Checker implements Consumer<InteractionEvent> {
        long records;
        long countTotal;
        final Set<String> users = new HashSet<>();
        final Set<String> eventIds = new HashSet<>();
        final Map<EventType, Long> types = new EnumMap<>(EventType.class);

        @Override
        public void accept(InteractionEvent e) {
            if (records++ % VALIDATE_EVERY == 0) {
                ImportTestSupport.assertValidOnTheWire(e);
            }
            countTotal += e.count();
            users.add(e.userId());
            eventIds.add(e.clientEventId());
            types.merge(e.eventType(), 1L, Long::sum);
        }
    }

    @Test
    void lastFm() throws IOException {
        Path dir = SharedDatasets.require("hetrec2011-lastfm-2k");
        Checker events = new Checker();
        ImportResult result = new LastFmImporter().importInto(request(dir, out), events);

        assertThat(result.catalog().users()).hasSize(1_892);
        assertThat(result.catalog().artists()).hasSize(17_632);
        assertThat(result.catalog().tracks()).hasSize(17_632);
        assertThat(result.catalog().genres()).hasSize(11_946);
        assertThat(events.records).isEqualTo(92_834);
        assertThat(events.eventIds).hasSize(92_834);
        assertThat(events.users).hasSize(1_892);
        assertThat(events.countTotal).isEqualTo(sumOfColumn(dir.resolve("user_artists.dat"), 2)).isEqualTo(69_183_975L);
        assertThat(result.summary().eventCountTotal()).isEqualTo(events.countTotal);
        assertThat(result.catalog().users())
                .allMatch(u -> !u.firstSeen().isAfter(REFERENCE) && u.firstSeen().isAfter(REFERENCE.minus(Duration.ofDays(365))));

        // tags.dat is ISO-8859-1: read as UTF-8 these would be rejected or garbled.
        assertThat(result.catalog().genres()).extracting(Genre::name).contains("tropicália", "fußball", "die Ärzte");
        assertThat(result.catalog().tracks()).filteredOn(t -> !t.genreIds().isEmpty()).hasSizeGreaterThan(10_000)
                .allMatch(t -> t.genreIds().size() <= LastFmImporter.TRACK_GENRES);

        // The only bad rows of the release: tag assignments of artists that artists.dat does not list.
        for (ImportSummary.FileSummary f : result.summary().files()) {
            assertThat(f.rejected()).as(f.file()).isEqualTo(f.file().equals("user_taggedartists.dat") ? 1_538 : 0);
        }
        assertThat(result.summary().file("user_taggedartists.dat").read()).isEqualTo(186_479);
        assertThat(rejects(out, "lastfm-2k", "user_taggedartists.dat")).hasSize(1_538)
                .allMatch(r -> r.reason().endsWith("is not in artists.dat"));
    }

    @Test
    void spotify() throws IOException {
        Path dir = SharedDatasets.require("spotify-30k-songs");
        Checker events = new Checker();
        ImportResult result = new SpotifySongsImporter().importInto(request(dir, out), events);

        assertThat(result.summary().file("spotify_songs.csv")).extracting(ImportSummary.FileSummary::read,
                ImportSummary.FileSummary::loaded, ImportSummary.FileSummary::rejected).containsExactly(32_833L, 32_833L, 0L);
        assertThat(result.catalog().tracks()).hasSize(28_356);
        assertThat(result.catalog().audioFeatures()).hasSize(28_356)
                .allMatch(f -> f.timeSignature() == SpotifySongsImporter.DEFAULT_TIME_SIGNATURE);
        assertThat(result.catalog().genres()).filteredOn(g -> g.parentGenreId() == null).extracting(Genre::name)
                .containsExactlyInAnyOrder("edm", "rap", "pop", "r&b", "latin", "rock");
        assertThat(result.catalog().genres()).filteredOn(g -> g.parentGenreId() != null).hasSize(24);
        assertThat(result.catalog().tracks()).filteredOn(t -> t.genreIds().size() > 2).isNotEmpty();
        assertThat(result.catalog().tracks()).allMatch(t -> t.releaseYear() != null && t.durationMs() > 0);
        assertThat(result.catalog().tracks()).filteredOn(t -> t.artistId() == null).extracting(Track::trackId)
                .hasSize(4); // the five NA rows of the release, two of them the same track
        assertThat(result.catalog().artists()).hasSize(10_692); // 10,693 distinct names minus "NA"
        assertThat(events.records).isZero();
    }

    @Test
    void movieLensLatestSmall() throws IOException {
        Path dir = SharedDatasets.require("ml-latest-small");
        Checker events = new Checker();
        ImportResult result = new MovieLensImporter().importInto(request(dir, out), events);

        long movieRows;
        try (Stream<String> lines = Files.lines(dir.resolve("movies.csv"), StandardCharsets.UTF_8)) {
            movieRows = lines.count() - 1;
        }
        assertThat(result.catalog().tracks()).hasSize((int) movieRows).hasSize(9_742);
        assertThat(events.records).isEqualTo(100_836);
        assertThat(result.catalog().users()).hasSize(610);
        assertThat(result.summary().rejected()).isZero();
        // 4.0..5.0 like, 0.5..2.0 dislike, 2.5..3.5 play (counts of the release's rating values).
        assertThat(events.types).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventType.LIKE, 26_818L + 13_211 + 8_551,
                EventType.DISLIKE, 7_551L + 2_811 + 1_791 + 1_370,
                EventType.PLAY, 20_047L + 13_136 + 5_550));
        assertThat(result.catalog().genres()).hasSize(19);
        assertThat(result.catalog().tracks()).filteredOn(t -> t.trackId().equals("ml-m11")).singleElement()
                .extracting(Track::title).isEqualTo("American President, The (1995)");
    }

    private static long sumOfColumn(Path file, int column) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.split("\t")[column])).sum();
    }
}
