package io.tunetrail.batch.als;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryAlsTest {
    private static final AlsParams PARAMS = new AlsParams(4, 10, 0.1, 10, 7, "play:1", true);

    /** Two taste blocks of 20 listeners x 10 tracks; each listener heard 6 of their block's tracks. */
    private static final class Planted {
        final List<String> users = new ArrayList<>();
        final List<String> items = new ArrayList<>();
        final List<Float> values = new ArrayList<>();

        Planted() {
            Random random = new Random(11);
            for (String block : List.of("a", "b")) {
                for (int u = 0; u < 20; u++) {
                    List<Integer> tracks = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
                    Collections.shuffle(tracks, random);
                    for (int t : tracks.subList(0, 6)) {
                        add(block + u, block.toUpperCase() + t, 1f + random.nextInt(3));
                    }
                }
            }
        }

        void add(String user, String item, float value) {
            users.add(user);
            items.add(item);
            values.add(value);
        }

        float[] r() {
            float[] r = new float[values.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = values.get(i);
            }
            return r;
        }
    }

    @Test
    void recoversPlantedBlocks() {
        Planted p = new Planted();
        InMemoryAls.Model m = new InMemoryAls(PARAMS, 2).fit(p.users, p.items, p.r());
        assertThat(m.userIds()).hasSize(40);
        assertThat(m.itemIds()).hasSize(20);
        for (int u = 0; u < m.userIds().size(); u++) {
            String user = m.userIds().get(u);
            Set<String> heard = new HashSet<>();
            for (int k = 0; k < p.users.size(); k++) {
                if (p.users.get(k).equals(user)) {
                    heard.add(p.items.get(k));
                }
            }
            String best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m.itemIds().size(); i++) {
                if (heard.contains(m.itemIds().get(i))) {
                    continue;
                }
                double s = FactorTopK.dot(m.user(u), m.item(i));
                if (s > bestScore) {
                    bestScore = s;
                    best = m.itemIds().get(i);
                }
            }
            assertThat(best.substring(0, 1)).as("best new item for %s", user).isEqualTo(user.substring(0, 1).toUpperCase());
        }
    }

    @Test
    void theNumberOfThreadsDoesNotChangeTheModel() {
        Planted p = new Planted();
        InMemoryAls.Model one = new InMemoryAls(PARAMS, 1).fit(p.users, p.items, p.r());
        InMemoryAls.Model three = new InMemoryAls(PARAMS, 3).fit(p.users, p.items, p.r());
        assertThat(three.userIds()).isEqualTo(one.userIds());
        assertThat(three.userFactors()).containsExactly(one.userFactors());
        assertThat(three.itemFactors()).containsExactly(one.itemFactors());
    }

    @Test
    void listenersAndTracksWithoutAPositivePreferenceAreLeftOut() {
        Planted p = new Planted();
        p.add("skipper", "A0", -2f);
        p.add("a0", "nobody-wants", -1f);
        InMemoryAls.Model m = new InMemoryAls(PARAMS, 1).fit(p.users, p.items, p.r());
        assertThat(m.userIds()).doesNotContain("skipper").contains("a0");
        assertThat(m.itemIds()).doesNotContain("nobody-wants").contains("A0");
        for (float f : m.userFactors()) {
            assertThat(Float.isFinite(f)).isTrue();
        }
    }

    @Test
    void aNegativePreferencePushesTheTrackDown() {
        // a0 rejects one of their own block's tracks strongly: it must score below the block's other unheard ones.
        Planted p = new Planted();
        Set<String> heard = new HashSet<>();
        for (int k = 0; k < p.users.size(); k++) {
            if (p.users.get(k).equals("a0")) {
                heard.add(p.items.get(k));
            }
        }
        List<String> unheard = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            if (!heard.contains("A" + t)) {
                unheard.add("A" + t);
            }
        }
        String rejected = unheard.get(0);
        InMemoryAls.Model before = new InMemoryAls(PARAMS, 1).fit(p.users, p.items, p.r());
        p.add("a0", rejected, -5f);
        InMemoryAls.Model after = new InMemoryAls(PARAMS, 1).fit(p.users, p.items, p.r());
        assertThat(score(after, "a0", rejected)).isLessThan(score(before, "a0", rejected));
    }

    private static double score(InMemoryAls.Model m, String user, String item) {
        return FactorTopK.dot(m.user(m.userIds().indexOf(user)), m.item(m.itemIds().indexOf(item)));
    }
}
