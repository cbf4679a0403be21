package io.tunetrail.batch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark's baseline must be a real ALS: it recovers the same planted blocks Spark's does. */
class ConjugateGradientAlsTest {

    @Test
    void recoversPlantedBlocks() {
        List<String> users = new ArrayList<>();
        List<String> items = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        Random random = new Random(11);
        for (String block : List.of("a", "b")) {
            for (int u = 0; u < 20; u++) {
                List<Integer> tracks = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
                Collections.shuffle(tracks, random);
                for (int t : tracks.subList(0, 6)) {
                    users.add(block + u);
                    items.add(block.toUpperCase() + t);
                    values.add(1f + random.nextInt(3));
                }
            }
        }
        float[] r = new float[values.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = values.get(i);
        }
        ConjugateGradientAls.Model m = new ConjugateGradientAls(2, 10, 0.1, 10, 7, 3).fit(users, items, r);
        assertThat(m.users()).hasNumberOfRows(40);
        assertThat(m.items()).hasNumberOfRows(20);
        for (int u = 0; u < m.users().length; u++) {
            String user = m.userIds().get(u);
            Set<String> heard = new HashSet<>();
            for (int k = 0; k < users.size(); k++) {
                if (users.get(k).equals(user)) {
                    heard.add(items.get(k));
                }
            }
            // the best unheard item is in the listener's own block
            String best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m.items().length; i++) {
                String item = m.itemIds().get(i);
                if (heard.contains(item)) {
                    continue;
                }
                double s = 0;
                for (int d = 0; d < 2; d++) {
                    s += m.users()[u][d] * m.items()[i][d];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = item;
                }
            }
            assertThat(best.substring(0, 1)).as("best new item for %s", user).isEqualTo(user.substring(0, 1).toUpperCase());
        }
    }
}
