package io.tunetrail.ingestion.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Track;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

/** The planted preference the eval's oracle ranks by: a distribution over tracks that the events follow. */
class TruePreferencesTest {
    private static final GeneratorSettings SMALL = GeneratorSettings.defaults(GeneratedData.END).withScale(0.05);

    @Test
    void eachListenersPreferenceIsAProbabilityOverTheirOrgsTracks() {
        SyntheticGenerator generator = new SyntheticGenerator(SMALL);
        Catalog catalog = generator.catalog();
        String org = catalog.orgs().get(0).orgId();
        ToDoubleBiFunction<String, String> truth = generator.truePreferences(org);
        List<Track> tracks = catalog.tracks().stream().filter(t -> t.orgId().equals(org)).toList();
        for (EndUser user : catalog.users().stream().filter(u -> u.orgId().equals(org)).limit(5).toList()) {
            double sum = tracks.stream().mapToDouble(t -> truth.applyAsDouble(user.userId(), t.trackId())).sum();
            // Rotation share + the rest spread over genres (every genre has tracks at this scale): one pick in all.
            assertThat(sum).isCloseTo(1.0, within(1e-6));
        }
        assertThat(truth.applyAsDouble("nobody", tracks.get(0).trackId())).isZero();
        assertThatThrownBy(() -> generator.truePreferences("no-such-org")).hasMessageContaining("no-such-org");
    }

    @Test
    void listenersPlayWhatTheyPreferFarMoreThanWhatTheyDoNot() {
        SyntheticGenerator generator = new SyntheticGenerator(SMALL);
        String org = generator.catalog().orgs().get(0).orgId();
        ToDoubleBiFunction<String, String> truth = generator.truePreferences(org);
        Map<String, Integer> plays = new HashMap<>();
        double[] preferred = new double[2];
        long[] n = new long[2];
        generator.interactions(e -> {
            if (e.orgId().equals(org) && e.eventType() != EventType.SKIP) {
                plays.merge(e.userId() + " " + e.trackId(), 1, Integer::sum);
            }
        });
        // The planted preference of the pairs that were played vs. the median track of the org for the same users.
        for (String pair : plays.keySet()) {
            String[] ut = pair.split(" ");
            preferred[0] += truth.applyAsDouble(ut[0], ut[1]);
            n[0]++;
        }
        List<Track> tracks = generator.catalog().tracks().stream().filter(t -> t.orgId().equals(org)).toList();
        for (String pair : plays.keySet()) {
            String user = pair.split(" ")[0];
            preferred[1] += truth.applyAsDouble(user, tracks.get(Math.floorMod(pair.hashCode(), tracks.size())).trackId());
            n[1]++;
        }
        assertThat(preferred[0] / n[0]).isGreaterThan(5 * preferred[1] / n[1]);
    }
}
