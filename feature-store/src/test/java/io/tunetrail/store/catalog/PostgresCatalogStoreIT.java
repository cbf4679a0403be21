package io.tunetrail.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Genre;
import io.tunetrail.model.Org;
import io.tunetrail.model.Track;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.TestCatalogs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresCatalogStoreIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private final PostgresCatalogStore store = new PostgresCatalogStore(DB.dataSource());

    @Test
    void loadingTheSameCatalogTwiceChangesNothing() throws SQLException {
        Catalog catalog = TestCatalogs.synthetic("idem", "pro", 2_000, 1);
        CatalogLoadReport first = store.load(catalog);
        assertThat(first.table("tracks").inserted()).isEqualTo(2_000);
        assertThat(first.changed()).isEqualTo(first.rows());

        String versionsBefore = rowVersions("idem");
        CatalogLoadReport second = store.load(catalog);
        assertThat(second.changed()).as("second load: %s", second).isZero();
        assertThat(second.rows()).isEqualTo(first.rows());
        // Not even a new row version (xmin) anywhere: identical rows are not rewritten.
        assertThat(rowVersions("idem")).isEqualTo(versionsBefore);
    }

    @Test
    void countsMatchTheCatalog() {
        Catalog catalog = TestCatalogs.synthetic("counted", "starter", 500, 2);
        store.load(catalog);
        long links = catalog.tracks().stream().mapToLong(t -> t.genreIds().size()).sum();
        assertThat(store.counts("counted")).containsExactly(
                Map.entry("end_users", (long) catalog.users().size()),
                Map.entry("artists", (long) catalog.artists().size()),
                Map.entry("genres", (long) catalog.genres().size()),
                Map.entry("tracks", 500L),
                Map.entry("track_genres", links),
                Map.entry("audio_features", 500L),
                Map.entry("track_embeddings", 0L));
        assertThat(store.counts("nobody")).containsValues(0L).doesNotContainValue(1L);
    }

    @Test
    void readsReturnWhatWasLoadedExactly() {
        Catalog catalog = TestCatalogs.synthetic("reads", "pro", 300, 3);
        store.load(catalog);
        for (Track t : catalog.tracks()) {
            assertThat(store.track("reads", t.trackId())).contains(t);
        }
        for (AudioFeatures f : catalog.audioFeatures()) {
            assertThat(store.audioFeatures("reads", f.trackId())).contains(f);
        }
        assertThat(store.track("reads", "t:missing")).isEmpty();
    }

    @Test
    void changesAreUpdatedAndGenreLinksFollowTheCatalog() {
        Catalog catalog = TestCatalogs.synthetic("changes", "pro", 100, 4);
        store.load(catalog);
        List<Track> tracks = new ArrayList<>(catalog.tracks());
        Track t0 = tracks.get(0);
        tracks.set(0, new Track(t0.orgId(), t0.trackId(), "Renamed", t0.artistId(), t0.album(), t0.releaseYear(), t0.durationMs(),
                t0.popularity(), List.of("jazz-b")));
        Catalog changed = new Catalog(catalog.orgs(), catalog.users(), catalog.artists(), catalog.genres(), tracks, catalog.audioFeatures());
        CatalogLoadReport report = store.load(changed);
        assertThat(report.table("tracks").updated()).isEqualTo(1);
        assertThat(report.table("tracks").inserted()).isZero();
        assertThat(report.table("track_genres").deleted()).isEqualTo(t0.genreIds().contains("jazz-b") ? t0.genreIds().size() - 1 : t0.genreIds().size());
        assertThat(report.changed()).isEqualTo(report.table("tracks").changed() + report.table("track_genres").changed());
        assertThat(store.track("changes", t0.trackId())).get().extracting(Track::title, Track::genreIds)
                .containsExactly("Renamed", List.of("jazz-b"));
    }

    @Test
    void anExistingOrgKeepsItsPlan() {
        store.load(TestCatalogs.synthetic("planned", "starter", 10, 5));
        Catalog renamed = new Catalog(List.of(new Org("planned", "New name", "enterprise")), List.of(), List.of(), List.of(), List.of(),
                List.of());
        CatalogLoadReport report = store.load(renamed);
        assertThat(report.table("organisations").updated()).isEqualTo(1);
        assertThat(queryString("SELECT name || '/' || plan_id FROM organisations WHERE org_id = 'planned'")).isEqualTo("New name/starter");
    }

    @Test
    void orgsNeverSeeEachOthersRows() {
        // Same track, genre and artist ids in both orgs.
        Catalog a = TestCatalogs.synthetic("iso-a", "pro", 200, 6);
        Catalog b = TestCatalogs.synthetic("iso-b", "pro", 150, 7);
        store.load(TestCatalogs.merge(a, b));
        assertThat(store.counts("iso-a")).containsEntry("tracks", 200L);
        assertThat(store.counts("iso-b")).containsEntry("tracks", 150L);
        assertThat(store.track("iso-a", "t:5")).get().extracting(Track::orgId).isEqualTo("iso-a");
        assertThat(store.track("iso-b", "t:5")).get().isNotEqualTo(store.track("iso-a", "t:5").get());
        assertThat(store.track("iso-b", "t:199")).isEmpty();
        for (String genre : TestCatalogs.PARENT_GENRES) {
            assertThat(store.tracksByGenre("iso-b", genre, 1000)).isNotEmpty().allSatisfy(t -> assertThat(t.orgId()).isEqualTo("iso-b"));
        }
    }

    @Test
    void tracksByGenreIncludesSubgenresMostPopularFirst() {
        Catalog catalog = TestCatalogs.synthetic("genres", "pro", 400, 8);
        store.load(catalog);
        Set<String> rockFamily = catalog.genres().stream()
                .filter(g -> g.genreId().equals("rock") || "rock".equals(g.parentGenreId())).map(Genre::genreId).collect(Collectors.toSet());
        List<Track> expected = catalog.tracks().stream().filter(t -> t.genreIds().stream().anyMatch(rockFamily::contains))
                .sorted((x, y) -> x.popularity() != y.popularity() ? Integer.compare(y.popularity(), x.popularity()) : x.trackId().compareTo(y.trackId()))
                .toList();
        assertThat(store.tracksByGenre("genres", "rock", 10_000)).isEqualTo(expected);
        assertThat(store.tracksByGenre("genres", "rock", 5)).isEqualTo(expected.subList(0, 5));
        assertThat(store.tracksByGenre("genres", "rock-a", 10_000)).allSatisfy(t -> assertThat(t.genreIds()).contains("rock-a"));
        assertThat(store.tracksByGenre("genres", "no-such-genre", 10)).isEmpty();
    }

    @Test
    void badCatalogsFailBeforeWritingAndNameTheRow() {
        Catalog unknownPlan = TestCatalogs.synthetic("bad-plan", "platinum", 5, 9);
        assertThatThrownBy(() -> store.load(unknownPlan)).isInstanceOf(StoreException.class)
                .hasMessageContaining("plan 'platinum'").hasMessageContaining("community");
        Catalog twice = TestCatalogs.merge(TestCatalogs.synthetic("dup", "pro", 5, 9), TestCatalogs.synthetic("dup", "pro", 5, 9));
        assertThatThrownBy(() -> store.load(twice)).hasMessageContaining("more than once");
        Catalog c = TestCatalogs.synthetic("bad-range", "pro", 5, 9);
        AudioFeatures f = c.audioFeatures().get(0);
        List<AudioFeatures> features = new ArrayList<>(c.audioFeatures());
        features.set(0, new AudioFeatures(f.orgId(), f.trackId(), f.tempo(), f.key(), f.mode(), f.timeSignature(), f.loudness(), 1.5,
                f.danceability(), f.valence(), f.acousticness(), f.instrumentalness(), f.liveness(), f.speechiness(), f.durationMs()));
        Catalog outOfRange = new Catalog(c.orgs(), c.users(), c.artists(), c.genres(), c.tracks(), features);
        assertThatThrownBy(() -> store.load(outOfRange)).isInstanceOf(StoreException.class)
                .hasMessageContaining("audio_features_energy_check").hasMessageContaining("outside its allowed range");
        // All or nothing: the org of the failed load is not there.
        assertThat(store.counts("bad-range")).containsEntry("tracks", 0L);
        Catalog orphan = new Catalog(List.of(), List.of(), List.of(), List.of(), TestCatalogs.synthetic("ghost", "pro", 1, 1).tracks(), List.of());
        assertThatThrownBy(() -> store.load(orphan)).hasMessageContaining("referenced row is missing");
    }

    /**
     * A catalog of production size loads completely and an identical reload changes nothing. (A load once planned its
     * genre-link delete as a nested loop over stale statistics and never finished; speed itself is measured by the
     * CLI's load summaries, not asserted here.)
     */
    @Test
    void fiftyThousandTrackCatalogLoadsAndReloadsWithoutChanges() {
        Catalog big = TestCatalogs.synthetic("big", "enterprise", 50_000, 10);
        CatalogLoadReport first = store.load(big);
        CatalogLoadReport second = store.load(big);
        assertThat(first.table("tracks").inserted()).isEqualTo(50_000);
        assertThat(second.changed()).isZero();
        assertThat(store.counts("big")).containsEntry("tracks", 50_000L).containsEntry("audio_features", 50_000L);
    }

    private static String rowVersions(String orgId) throws SQLException {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("end_users", "artists", "genres", "tracks", "track_genres", "audio_features")) {
            all.append(table).append('=').append(queryString("SELECT md5(string_agg(xmin::text, ',' ORDER BY ctid)) FROM " + table
                    + " WHERE org_id = '" + orgId + "'"));
        }
        return all + queryString("SELECT xmin::text FROM organisations WHERE org_id = '" + orgId + "'");
    }

    private static String queryString(String sql) {
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
