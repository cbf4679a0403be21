package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.batch.eval.family.Hyperparameters;
import io.tunetrail.batch.eval.family.Recommender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BestFamilyTest {
    private static final BestFamily BEST = new BestFamily(new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 3), 4, 10);

    /** Two camps of 30 users: each user has 6 of their camp's 12 items, so co-listening predicts the rest. */
    private static Interactions camps() {
        Interactions.Builder b = new Interactions.Builder();
        Random random = new Random(7);
        for (int user = 0; user < 60; user++) {
            int camp = user % 2;
            java.util.Set<Integer> items = new java.util.TreeSet<>();
            while (items.size() < 6) {
                items.add(camp * 12 + random.nextInt(12));
            }
            for (int i : items) {
                b.addRow("u" + user, "i" + i, 1, 1000L * i);
            }
        }
        return b.build(Map.of());
    }

    /** Scores every item the same way for every user: by item index, low first or high first. */
    private static Family fixed(String name, boolean lowFirst) {
        return new Family() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Hyperparameters defaults() {
                return Hyperparameters.of("low_first", lowFirst ? 1 : 0);
            }

            @Override
            public Hyperparameters sample(Random random) {
                return defaults();
            }

            @Override
            public Recommender fit(UserItemMatrix train, Hyperparameters params) {
                return (user, out) -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = lowFirst ? -i : i;
                    }
                };
            }
        };
    }

    @Test
    void theWinnerIsTheBestOnValidationAndAPersonalModelBeatsAFixedOrder() {
        List<Family> candidates = List.of(Families.parse("ease").get(0), fixed("content", true));
        BestFamily.Choice choice = BEST.choose(camps(), candidates, Duration.ofSeconds(2));
        assertThat(choice.validationNdcg()).containsOnlyKeys("ease", "content");
        assertThat(choice.skipped()).isEmpty();
        assertThat(choice.family()).isEqualTo("ease");
        assertThat(choice.validationNdcg().get("ease")).isGreaterThan(choice.validationNdcg().get("content"));
        assertThat(choice.trials().get("ease")).isPositive();
        assertThat(choice.forced()).isFalse();
        assertThat(choice.asMap()).containsEntry("family", "ease").containsKeys("family_params", "validation_ndcg");
    }

    @Test
    void aTieGoesToTheCheaperFamilyWhateverTheOrderGiven() {
        // Same scores: bpr costs more than sar, so sar wins although listed first is bpr.
        BestFamily.Choice choice = BEST.choose(camps(), List.of(fixed("bpr", true), fixed("sar", true)), Duration.ofSeconds(2));
        assertThat(choice.validationNdcg().get("bpr")).isEqualTo(choice.validationNdcg().get("sar"));
        assertThat(choice.family()).isEqualTo("sar");
    }

    @Test
    void aSpentBudgetSkipsTheDearerFamiliesButTheCheapestAlwaysRuns() {
        List<Family> candidates = List.of(Families.parse("ease").get(0), fixed("content", true), fixed("bpr", true));
        BestFamily.Choice choice = BEST.choose(camps(), candidates, Duration.ZERO);
        assertThat(choice.validationNdcg()).containsOnlyKeys("content");
        assertThat(choice.skipped()).containsExactly("ease", "bpr");
        assertThat(choice.family()).isEqualTo("content");
        assertThat(choice.asMap()).containsEntry("skipped_for_budget", List.of("ease", "bpr"));
    }

    @Test
    void aForcedFamilyIsFittedWithItsParamsOverItsDefaultsAndRefusesUnknownOnes() {
        Family ease = Families.parse("ease").get(0);
        BestFamily.Choice choice = BEST.forced(camps(), ease, BestFamily.parseParams("lambda:250"));
        assertThat(choice.forced()).isTrue();
        assertThat(choice.params().values()).containsEntry("lambda", 250).containsEntry("min_support", 2);
        assertThat(choice.validationNdcg()).isEmpty();
        assertThatThrownBy(() -> BEST.forced(camps(), ease, Map.of("rank", 8)))
                .hasMessageContaining("'rank' is not a hyperparameter of ease").hasMessageContaining("lambda, min_support");
    }

    @Test
    void topNLeavesOutWhatTheUserHeardRanksBestFirstAndStaysInTheirCamp() {
        BestFamily.Choice choice = BEST.forced(camps(), Families.parse("ease").get(0), Map.of());
        UserItemMatrix m = choice.matrix();
        List<BestFamily.Ranked> lists = BestFamily.topN(choice, 4, true, Map.of("u0", Set.of("i1")));
        for (int u = 0; u < m.users(); u++) {
            String user = m.userId(u);
            List<BestFamily.Ranked> mine = lists.stream().filter(r -> r.userId().equals(user)).toList();
            assertThat(mine).extracting(BestFamily.Ranked::rank).containsExactly(1, 2, 3, 4);
            assertThat(mine).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
            for (int e = m.rowStart(u); e < m.rowStart(u + 1); e++) {
                String heard = m.itemId(m.col(e));
                assertThat(mine).extracting(BestFamily.Ranked::itemId).doesNotContain(heard);
            }
            int camp = Integer.parseInt(user.substring(1)) % 2;
            // Six unheard items of their own camp are left, so the top 4 never leave it.
            assertThat(mine).allSatisfy(r -> assertThat(Integer.parseInt(r.itemId().substring(1)) / 12).isEqualTo(camp));
        }
        assertThat(lists).filteredOn(r -> r.userId().equals("u0")).extracting(BestFamily.Ranked::itemId).doesNotContain("i1");
        // Without exclusion the user's own items come back: they are what the model scores highest.
        assertThat(BestFamily.topN(choice, 4, false, Map.of())).filteredOn(r -> r.userId().equals("u0")).isNotEmpty();
    }

    @Test
    void paramsParseAsWholeNumbersDecimalsOrWordsAndBadEntriesFail() {
        assertThat(BestFamily.parseParams(" lambda:500, alpha:2.5,weighting:BM25 ,"))
                .containsExactly(Map.entry("lambda", 500), Map.entry("alpha", 2.5), Map.entry("weighting", "bm25"));
        assertThat(BestFamily.parseParams("")).isEmpty();
        assertThatThrownBy(() -> BestFamily.parseParams("lambda")).hasMessageContaining("expected name:value");
        assertThatThrownBy(() -> BestFamily.parseParams("alpha:NaN")).hasMessageContaining("not a finite number");
    }

    @Test
    void onlyThePlansTrainableFamiliesAreCandidatesCheapestFirst() {
        assertThat(BestFamily.trainable(List.of("content", "als", "ease", "itemknn", "sar", "bpr", "lightgcn", "custom")))
                .extracting(Family::name).containsExactly("content", "sar", "itemknn", "ease", "als", "bpr", "lightgcn");
        assertThat(BestFamily.trainable(List.of("content"))).extracting(Family::name).containsExactly("content");
    }
}
