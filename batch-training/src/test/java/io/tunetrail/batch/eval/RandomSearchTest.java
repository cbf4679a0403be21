package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.batch.eval.family.Hyperparameters;
import io.tunetrail.batch.eval.family.Recommender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSearchTest {
    /** 40 users with 8 items each out of 20. */
    private static Interactions rows() {
        Interactions.Builder b = new Interactions.Builder();
        Random random = new Random(1);
        for (int user = 0; user < 40; user++) {
            String u = "u" + user;
            Set<Integer> items = new HashSet<>();
            while (items.size() < 8) {
                items.add(random.nextInt(20));
            }
            items.forEach(i -> b.addRow(u, "i" + i, 1, 0));
        }
        return b.build(Map.of());
    }

    /** Scores items by index, ascending or descending as its one hyperparameter says; records what it was fitted on. */
    private static final class Recording implements Family {
        final List<UserItemMatrix> fittedOn = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Hyperparameters defaults() {
            return Hyperparameters.of("order", "low");
        }

        @Override
        public Hyperparameters sample(Random random) {
            return Hyperparameters.of("order", random.nextBoolean() ? "low" : "high");
        }

        @Override
        public Recommender fit(UserItemMatrix train, Hyperparameters params) {
            fittedOn.add(train);
            boolean low = params.word("order").equals("low");
            return (user, out) -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = low ? -i : i;
                }
            };
        }
    }

    @Test
    void fitsOnlyOnThePartOfTheTrainingRowsItWasGiven() {
        Interactions all = rows();
        boolean[] outer = new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42).trainMask(all);
        Interactions train = all.subset(outer, true);
        Recording family = new Recording();
        RandomSearch.Result result = new RandomSearch(train, new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42), 43, 5,
                Duration.ZERO).tune(family);
        // A zero budget runs the defaults once, on an inner part smaller than the training rows.
        assertThat(result.trials()).isEqualTo(1);
        assertThat(result.best().values()).containsEntry("order", "low");
        assertThat(family.fittedOn).hasSize(1);
        assertThat(family.fittedOn.get(0).nnz()).isLessThan(train.size()).isGreaterThan(train.size() / 2);
    }

    /** A search of the stratified inner split (seed 43) at k = 5. */
    private static RandomSearch searchOver(Interactions rows, Duration budget) {
        return new RandomSearch(rows, new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42), 43, 5, budget);
    }

    @Test
    void keepsTheDrawWithTheBestValidationNdcg() {
        Interactions all = rows();
        Recording family = new Recording();
        RandomSearch search = searchOver(all, Duration.ofMillis(300));
        RandomSearch.Result result = search.tune(family);
        // Both orders, each fitted once: a repeat is not scored again.
        assertThat(result.trials()).isEqualTo(2);
        // Either order is a guess here; the winner must be the one whose validation nDCG is reported.
        Holdout validation = Holdout.of(all, new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 43).trainMask(all), 5);
        double low = validation.score(family.fit(validation.train(), Hyperparameters.of("order", "low"))).metrics().ndcg();
        double high = validation.score(family.fit(validation.train(), Hyperparameters.of("order", "high"))).metrics().ndcg();
        assertThat(result.validationNdcg()).isEqualTo(Math.max(low, high));
        assertThat(result.best().word("order")).isEqualTo(high > low ? "high" : "low");
    }

    @Test
    void anExhaustedSpaceEndsTheSearchBeforeItsBudget() {
        Interactions all = rows();
        Recording family = new Recording();
        RandomSearch search = searchOver(all, Duration.ofHours(1));
        // Two candidates in all: without the end on repeats this would draw them again for an hour.
        RandomSearch.Result result = assertTimeoutPreemptively(Duration.ofMinutes(1), () -> search.tune(family));
        assertThat(result.trials()).isEqualTo(2);
        assertThat(family.fittedOn).hasSize(2);
    }

    /** Two names of 6 and 7 values: 42 candidates, of which a best has 11 one-name neighbours. */
    private static final class Grid implements Family {
        final Set<Hyperparameters> fitted = new HashSet<>();

        @Override
        public String name() {
            return "grid";
        }

        @Override
        public Hyperparameters defaults() {
            return Hyperparameters.of("a", 0, "b", 0);
        }

        @Override
        public Hyperparameters sample(Random random) {
            return Hyperparameters.of("a", random.nextInt(6), "b", random.nextInt(7));
        }

        @Override
        public Recommender fit(UserItemMatrix train, Hyperparameters params) {
            fitted.add(params);
            int shift = params.integer("a") * 7 + params.integer("b");
            return (user, out) -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (i + shift) % out.length;
                }
            };
        }
    }

    @Test
    void aSmallSpaceIsSearchedBeyondTheBestsNeighbours() {
        Grid family = new Grid();
        RandomSearch.Result result = assertTimeoutPreemptively(Duration.ofMinutes(1),
                () -> searchOver(rows(), Duration.ofHours(1)).tune(family));
        // Once the best's 11 neighbours are scored, redraws only repeat; the fresh draws between them go on and find
        // the rest (alternating on trials instead stopped this search after 20 fits). Each candidate is fitted once.
        assertThat(result.trials()).isEqualTo(family.fitted.size()).isEqualTo(42);
    }

    @Test
    void aRedrawChangesOneHyperparameterOfTheBest() {
        Hyperparameters best = Hyperparameters.of("lambda", 100.0, "weighting", "binary", "dropout", 0.5);
        Hyperparameters draw = Hyperparameters.of("lambda", 30.0, "weighting", "log_scaled", "dropout", 0.1);
        Random random = new Random(7);
        Set<String> redrawn = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Map<String, Object> mixed = RandomSearch.withOneRedrawn(best, draw, random).values();
            List<String> changed = mixed.keySet().stream().filter(k -> !mixed.get(k).equals(best.values().get(k))).toList();
            assertThat(changed).hasSize(1);
            assertThat(mixed.get(changed.get(0))).isEqualTo(draw.values().get(changed.get(0)));
            redrawn.add(changed.get(0));
        }
        assertThat(redrawn).containsExactlyInAnyOrder("lambda", "weighting", "dropout");
        // A redrawn value equal to the best's would change nothing: the fresh draw is tried instead.
        Hyperparameters same = Hyperparameters.of("lambda", 100.0, "weighting", "binary", "dropout", 0.5);
        assertThat(RandomSearch.withOneRedrawn(best, same, random)).isEqualTo(same);
    }
}
