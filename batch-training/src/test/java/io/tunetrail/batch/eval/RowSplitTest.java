package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stratified split against a reference made in Python ({@code eval/stratified-split.csv}): users with 1..8 rows,
 * interleaved, each user's rows sorted by item (the layout on which the older per-user reshuffle is biased). The
 * script: rows in file order; {@code numpy.random.seed(42); d = numpy.random.rand(N)}; per user, rows sorted by d;
 * the first {@code round(0.75 * n)} train.
 */
class RowSplitTest {
    @Test
    void stratifiedSplitMatchesTheNumpyReference() throws Exception {
        Interactions.Builder b = new Interactions.Builder();
        List<Boolean> expected = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/eval/stratified-split.csv"), StandardCharsets.UTF_8))) {
            in.readLine();
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",");
                b.addRow(f[0], f[1], 1, 0);
                expected.add(Boolean.parseBoolean(f[2]));
            }
        }
        Interactions rows = b.build(Map.of());
        boolean[] train = new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 42).trainMask(rows);
        assertThat(rows.size()).isEqualTo(36);
        for (int r = 0; r < rows.size(); r++) {
            assertThat(train[r]).as("row %d (%s, %s)", r, rows.userId(r), rows.itemId(r)).isEqualTo(expected.get(r));
        }
    }

    @Test
    void trainsRoundedHalvesToEvenPerUser() {
        // round(0.75 n) for n = 1..8 with halves to even: 1, 2 (1.5), 2, 3, 4, 4 (4.5), 5, 6
        Interactions.Builder b = new Interactions.Builder();
        for (int u = 1; u <= 8; u++) {
            for (int i = 0; i < u; i++) {
                b.addRow("u" + u, "i" + i, 1, 0);
            }
        }
        Interactions rows = b.build(Map.of());
        boolean[] train = new RowSplit(RowSplit.Kind.STRATIFIED, 0.75, 7).trainMask(rows);
        int[] perUser = new int[9];
        for (int r = 0; r < rows.size(); r++) {
            if (train[r]) {
                perUser[Integer.parseInt(rows.userId(r).substring(1))]++;
            }
        }
        assertThat(perUser).containsExactly(0, 1, 2, 2, 3, 4, 4, 5, 6);
    }

    @Test
    void timeSplitHoldsOutEachUsersLatestRows() {
        Interactions rows = new Interactions.Builder().addRow("u", "a", 1, 40).addRow("u", "b", 1, 10)
                .addRow("u", "c", 1, 30).addRow("u", "d", 1, 20).build(Map.of());
        boolean[] train = new RowSplit(RowSplit.Kind.TIME, 0.75, 42).trainMask(rows);
        assertThat(train).containsExactly(false, true, true, true);
    }

    @Test
    void consecutiveEventsOfOnePairAreOneRow() {
        // The Last.fm importer cuts a large play count into parts: they are still one line of the file.
        Interactions rows = new Interactions.Builder().addEvent("u", "a", 3, 5).addEvent("u", "a", 2, 9)
                .addEvent("u", "b", 1, 1).addEvent("u", "a", 1, 2).build(Map.of());
        assertThat(rows.size()).isEqualTo(3);
        assertThat(rows.weight(0)).isEqualTo(5f);
        assertThat(rows.time(0)).isEqualTo(9);
    }
}
