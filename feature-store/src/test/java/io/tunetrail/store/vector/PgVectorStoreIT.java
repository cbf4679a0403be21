package io.tunetrail.store.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.store.StoreException;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.TestCatalogs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PgVectorStoreIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final int N = 2_000;
    /** The store as the apps use it: the planner chooses, and on 4,000 rows it chooses the exact scan. */
    private static PgVectorStore store;
    /** The same store forced onto the HNSW index, so that the approximate path is what these tests measure. */
    private static PgVectorStore hnsw;
    private static int dim;
    /** Org A's vectors by track id: t:0..t:1999 random, t:2000 planted next to {@link #query}. */
    private static final Map<String, float[]> orgA = new LinkedHashMap<>();
    private static float[] query;

    @BeforeAll
    static void loadCatalogsAndVectors() {
        PostgresCatalogStore catalogs = new PostgresCatalogStore(DB.dataSource());
        catalogs.load(TestCatalogs.merge(TestCatalogs.synthetic("vec-a", "pro", N + 1, 1), TestCatalogs.synthetic("vec-b", "pro", N + 1, 2),
                TestCatalogs.synthetic("vec-small", "starter", 20, 3)));
        store = new PgVectorStore(DB.dataSource());
        dim = store.dimension();
        Random random = new Random(42);
        query = randomUnit(random);
        for (int i = 0; i < N; i++) {
            orgA.put("t:" + i, randomUnit(random));
        }
        orgA.put("t:" + N, near(query, 0.05f, random));
        assertThat(store.upsert("vec-a", embeddings(orgA))).isEqualTo(N + 1);

        // Org B holds the query itself and vectors even closer to it than A's planted one: a leak would win.
        Map<String, float[]> orgB = new LinkedHashMap<>();
        for (int i = 0; i <= N; i++) {
            orgB.put("t:" + i, i < 50 ? near(query, 0.01f, random) : randomUnit(random));
        }
        orgB.put("t:7", query.clone());
        store.upsert("vec-b", embeddings(orgB));
        // As autovacuum would have by now on a live system.
        analyze();
        hnsw = new PgVectorStore(DB.dataSource(), 100, true);
    }

    private static void analyze() {
        try (var c = DB.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("ANALYZE track_embeddings");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aVectorRoundTripsExactly() {
        float[] awkward = new float[dim];
        Random random = new Random(1);
        for (int i = 0; i < dim; i++) {
            awkward[i] = Float.intBitsToFloat(random.nextInt()) % 1e6f;
            if (!Float.isFinite(awkward[i])) {
                awkward[i] = 1.5f;
            }
        }
        awkward[0] = Float.MAX_VALUE;
        awkward[1] = -Float.MAX_VALUE;
        awkward[2] = Float.MIN_NORMAL;
        awkward[3] = 1e-30f;
        awkward[4] = 0.1f;
        awkward[5] = -0.0f;
        awkward[6] = 0f;
        awkward[7] = 16_777_217f;
        TrackEmbedding e = new TrackEmbedding("t:5", awkward, "emb-v1");
        store.upsert("vec-small", List.of(e));
        assertThat(store.embedding("vec-small", "t:5")).contains(e);
        assertThat(store.upsert("vec-small", List.of(e))).as("the same vector again changes nothing").isZero();
        assertThat(store.embedding("vec-small", "t:missing")).isEmpty();
    }

    @Test
    void hnswFindsThePlantedNeighbourAndAgreesWithBruteForce() throws Exception {
        assertThat(hnsw.explainNearest("vec-a", query, 10)).as("the approximate search uses the HNSW index")
                .contains("track_embeddings_hnsw");
        List<Neighbour> found = hnsw.nearest("vec-a", query, 10, Set.of());
        List<Neighbour> exact = bruteForce(orgA, query, 10, Set.of());
        assertThat(found.get(0).trackId()).isEqualTo("t:" + N);
        assertThat(found.get(0).similarity()).as("planted with noise 0.05 per component").isGreaterThan(0.9);
        assertThat(found).extracting(Neighbour::trackId).containsExactlyElementsOf(exact.stream().map(Neighbour::trackId).toList());
        for (int i = 0; i < found.size(); i++) {
            assertThat(found.get(i).distance()).isCloseTo(exact.get(i).distance(), within(1e-5));
        }
    }

    /** Recall@10 of the filtered HNSW search against brute force, over 100 random queries; printed for the report. */
    @Test
    void recallOfFilteredHnswSearchIsHigh() throws Exception {
        Random random = new Random(7);
        int hits = 0;
        int queries = 100;
        long start = System.nanoTime();
        for (int q = 0; q < queries; q++) {
            float[] v = randomUnit(random);
            Set<String> found = hnsw.nearestWithoutFallback("vec-a", v, 10).stream().map(Neighbour::trackId).collect(Collectors.toSet());
            for (Neighbour n : bruteForce(orgA, v, 10, Set.of())) {
                hits += found.contains(n.trackId()) ? 1 : 0;
            }
        }
        double ms = (System.nanoTime() - start) / 1e6 / queries;
        double recall = hits / (10.0 * queries);
        System.out.printf("pgvector HNSW, org filter (%d of %d rows), dim %d, k=10: recall@10 %.3f, %.2f ms/query (one thread)%n",
                N + 1, 2 * (N + 1) + 1, dim, recall, ms);
        assertThat(recall).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aSearchNeverReturnsAnotherOrgsRows() {
        for (int k : List.of(1, 10, 100)) {
            List<Neighbour> found = hnsw.nearest("vec-a", query, k, Set.of());
            assertThat(store.nearest("vec-a", query, k, Set.of())).as("exact scan, k=%d", k).isEqualTo(found);
            List<Neighbour> exact = bruteForce(orgA, query, k, Set.of());
            assertThat(found).hasSize(k);
            // B has a vector at distance 0 and 50 closer than anything of A: none of them may appear.
            assertThat(found.get(0).distance()).isGreaterThan(1e-4);
            assertThat(found).extracting(Neighbour::trackId).containsExactlyInAnyOrderElementsOf(exact.stream().map(Neighbour::trackId).toList());
        }
        assertThat(store.nearest("vec-b", query, 1, Set.of()).get(0)).isEqualTo(new Neighbour("t:7", 0.0));
        assertThat(store.nearest("no-such-org", query, 5, Set.of())).isEmpty();
    }

    @Test
    void excludedTracksAndTheSeedTrackAreLeftOut() {
        List<Neighbour> all = hnsw.nearest("vec-a", query, 5, Set.of());
        Set<String> exclude = Set.of(all.get(0).trackId(), all.get(2).trackId());
        List<Neighbour> without = hnsw.nearest("vec-a", query, 5, exclude);
        assertThat(without).extracting(Neighbour::trackId).doesNotContainAnyElementsOf(exclude)
                .containsExactlyElementsOf(bruteForce(orgA, query, 5, exclude).stream().map(Neighbour::trackId).toList());

        List<Neighbour> similar = hnsw.nearestToTrack("vec-a", "t:" + N, 10, Set.of("t:1"));
        assertThat(similar).hasSize(10).extracting(Neighbour::trackId).doesNotContain("t:" + N, "t:1")
                .containsExactlyElementsOf(bruteForce(orgA, orgA.get("t:" + N), 10, Set.of("t:" + N, "t:1")).stream().map(Neighbour::trackId).toList());
        assertThat(store.nearestToTrack("vec-a", "t:no-embedding", 10, Set.of())).isEmpty();
    }

    @Test
    void anOrgWithFewerEmbeddingsThanKGetsThemAllInOrder() {
        Random random = new Random(3);
        Map<String, float[]> small = new LinkedHashMap<>();
        for (int i = 10; i < 15; i++) {
            small.put("t:" + i, randomUnit(random));
        }
        store.upsert("vec-small", embeddings(small));
        // Through the index the walk finds at most 5 of the 50 asked; the exact fallback returns them in order.
        List<Neighbour> found = hnsw.nearest("vec-small", query, 50, Set.of("t:5"));
        assertThat(found).extracting(Neighbour::trackId)
                .containsExactlyElementsOf(bruteForce(small, query, 50, Set.of()).stream().map(Neighbour::trackId).toList());
        // The store as the apps use it searches a small org exactly from the start.
        assertThat(store.nearest("vec-small", query, 50, Set.of("t:5"))).isEqualTo(found);
    }

    @Test
    void badInputFailsWithTheFix() {
        assertThatThrownBy(() -> store.nearest("vec-a", new float[dim + 1], 5, Set.of())).isInstanceOf(StoreException.class)
                .hasMessageContaining("has " + (dim + 1) + " dimensions but the store holds " + dim);
        assertThatThrownBy(() -> store.nearest("vec-a", new float[dim], 5, Set.of())).hasMessageContaining("zero vector");
        assertThatThrownBy(() -> store.nearest("vec-a", query, 0, Set.of())).hasMessageContaining("k = 0");
        assertThatThrownBy(() -> store.upsert("vec-a", List.of(new TrackEmbedding("t:not-in-catalog", query, null))))
                .isInstanceOf(StoreException.class).hasMessageContaining("referenced row is missing")
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.CONFLICT);
        float[] nan = query.clone();
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> store.upsert("vec-a", List.of(new TrackEmbedding("t:1", nan, null)))).hasMessageContaining("finite");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static List<Neighbour> bruteForce(Map<String, float[]> vectors, float[] q, int k, Set<String> exclude) {
        List<Neighbour> all = new ArrayList<>();
        vectors.forEach((id, v) -> {
            if (!exclude.contains(id)) {
                all.add(new Neighbour(id, cosineDistance(q, v)));
            }
        });
        all.sort(Comparator.comparingDouble(Neighbour::distance).thenComparing(Neighbour::trackId));
        return all.subList(0, Math.min(k, all.size()));
    }

    private static double cosineDistance(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }

    private static float[] randomUnit(Random random) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalise(v);
    }

    private static float[] near(float[] base, float noise, Random random) {
        float[] v = base.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += noise * (float) random.nextGaussian();
        }
        return normalise(v);
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static List<TrackEmbedding> embeddings(Map<String, float[]> vectors) {
        List<TrackEmbedding> out = new ArrayList<>();
        vectors.forEach((id, v) -> out.add(new TrackEmbedding(id, v, "emb-v1")));
        return out;
    }

}
