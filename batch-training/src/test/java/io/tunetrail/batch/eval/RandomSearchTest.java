package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void keepsTheDrawWithTheBestValidationNdcg() {
        Interactions all = rows();
        Recording family = new Recording();
        RandomSearch search = new RandomSearch(all, new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42), 43, 5,
                Duration.ofMillis(300));
        RandomSearch.Result result = search.tune(family);
        assertThat(result.trials()).isGreaterThan(2);
        // Either order is a guess here; the winner must be the one whose validation nDCG is reported.
        Holdout validation = Holdout.of(all, new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 43).trainMask(all), 5);
        double low = validation.score(family.fit(validation.train(), Hyperparameters.of("order", "low"))).metrics().ndcg();
        double high = validation.score(family.fit(validation.train(), Hyperparameters.of("order", "high"))).metrics().ndcg();
        assertThat(result.validationNdcg()).isEqualTo(Math.max(low, high));
        assertThat(result.best().word("order")).isEqualTo(high > low ? "high" : "low");
    }
}
