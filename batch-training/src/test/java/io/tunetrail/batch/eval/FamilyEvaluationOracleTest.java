package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.TruePreference;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FamilyEvaluationOracleTest {
    /** Two camps of 40 users; each user has all 8 of their camp's items and truly likes exactly those. */
    private static Interactions camps() {
        Interactions.Builder b = new Interactions.Builder();
        for (int user = 0; user < 80; user++) {
            for (int i = 0; i < 8; i++) {
                b.addRow("u" + user, "i" + ((user % 2) * 8 + i), 1, 0);
            }
        }
        return b.build(Map.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOracleIsScoredOnTheSameSplitAndTheBestFamilyIsMeasuredAgainstIt() {
        // Truth: a user's own camp, the lower-numbered items a little more (so the oracle's ranking is total).
        TruePreference oracle = new TruePreference((user, item) -> {
            int camp = Integer.parseInt(user.substring(1)) % 2;
            int i = Integer.parseInt(item.substring(1));
            return i / 8 == camp ? 1.0 - i / 100.0 : 0.0;
        });
        Map<String, Object> out = new FamilyEvaluation(new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42), 42, 2,
                Duration.ZERO, line -> { }).run("camps", camps(), Families.parse("itemknn"), oracle);
        Map<String, Object> truth = (Map<String, Object>) out.get("oracle");
        Map<String, Object> baseline = (Map<String, Object>) out.get("baseline");
        Map<String, Object> goal = (Map<String, Object>) out.get("oracle_goal");
        // A user's unheard camp items are exactly their 2 test items, and the oracle ranks them first: 2 hits of k = 2.
        assertThat((double) truth.get("precision")).isEqualTo(1.0);
        assertThat((double) truth.get("precision")).isGreaterThan((double) baseline.get("precision"));
        double best = (double) ((Map<String, Object>) out.get("itemknn")).get("precision");
        assertThat(goal).containsEntry("best", "itemknn");
        assertThat((double) goal.get("share_of_oracle_precision")).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(goal.get("within_10_percent")).isEqualTo(best >= 0.9);
    }
}
