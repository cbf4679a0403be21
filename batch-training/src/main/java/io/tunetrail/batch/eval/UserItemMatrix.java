package io.tunetrail.batch.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training part of a split as a sparse user × item matrix, by rows and by columns. Its items are the candidate
 * items of every ranking (items only in the test part cannot be recommended); a repeated pair sums its weights and
 * keeps its newest time.
 */
public final class UserItemMatrix {
    private final List<String> userIds;
    private final List<String> itemIds;
    private final Map<String, Integer> itemIndex;
    private final int[] rowStart;
    private final int[] cols;
    private final float[] values;
    private final long[] times;
    private final int[] colStart;
    private final int[] rows;
    private final float[] colValues;
    private final Map<String, List<String>> itemFeatures;

    private UserItemMatrix(List<String> userIds, List<String> itemIds, int[] rowStart, int[] cols, float[] values,
            long[] times, Map<String, List<String>> itemFeatures) {
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.itemIndex = new HashMap<>();
        for (int i = 0; i < itemIds.size(); i++) {
            itemIndex.put(itemIds.get(i), i);
        }
        this.rowStart = rowStart;
        this.cols = cols;
        this.values = values;
        this.times = times;
        this.itemFeatures = itemFeatures;
        this.colStart = new int[itemIds.size() + 1];
        for (int c : cols) {
            colStart[c + 1]++;
        }
        for (int i = 0; i < itemIds.size(); i++) {
            colStart[i + 1] += colStart[i];
        }
        int[] fill = Arrays.copyOf(colStart, colStart.length);
        this.rows = new int[cols.length];
        this.colValues = new float[cols.length];
        for (int u = 0; u < userIds.size(); u++) {
            for (int e = rowStart[u]; e < rowStart[u + 1]; e++) {
                int at = fill[cols[e]]++;
                rows[at] = u;
                colValues[at] = values[e];
            }
        }
    }

    /** The matrix of the given rows (all of them). */
    public static UserItemMatrix of(Interactions part) {
        boolean[] all = new boolean[part.size()];
        Arrays.fill(all, true);
        return of(part, all);
    }

    /** The matrix of the rows whose mask entry is true. */
    public static UserItemMatrix of(Interactions data, boolean[] mask) {
        Map<String, Integer> users = new LinkedHashMap<>();
        Map<String, Integer> items = new LinkedHashMap<>();
        List<Map<Integer, Cell>> perUser = new ArrayList<>();
        for (int r = 0; r < data.size(); r++) {
            if (!mask[r]) {
                continue;
            }
            int u = users.computeIfAbsent(data.userId(r), id -> { perUser.add(new LinkedHashMap<>()); return users.size(); });
            int i = items.computeIfAbsent(data.itemId(r), id -> items.size());
            Cell cell = perUser.get(u).computeIfAbsent(i, x -> new Cell());
            cell.weight += data.weight(r);
            cell.time = Math.max(cell.time, data.time(r));
        }
        int[] start = new int[users.size() + 1];
        int nnz = perUser.stream().mapToInt(Map::size).sum();
        int[] cols = new int[nnz];
        float[] vals = new float[nnz];
        long[] times = new long[nnz];
        int e = 0;
        for (int u = 0; u < perUser.size(); u++) {
            List<Map.Entry<Integer, Cell>> cells = new ArrayList<>(perUser.get(u).entrySet());
            cells.sort(Map.Entry.comparingByKey());
            for (Map.Entry<Integer, Cell> c : cells) {
                cols[e] = c.getKey();
                vals[e] = c.getValue().weight;
                times[e] = c.getValue().time;
                e++;
            }
            start[u + 1] = e;
        }
        return new UserItemMatrix(List.copyOf(users.keySet()), List.copyOf(items.keySet()), start, cols, vals, times,
                data.itemFeatures());
    }

    private static final class Cell {
        float weight;
        long time = Long.MIN_VALUE;
    }

    public int users() {
        return userIds.size();
    }

    public int items() {
        return itemIds.size();
    }

    public int nnz() {
        return cols.length;
    }

    public String userId(int u) {
        return userIds.get(u);
    }

    public String itemId(int i) {
        return itemIds.get(i);
    }

    public List<String> userIds() {
        return userIds;
    }

    public List<String> itemIds() {
        return itemIds;
    }

    /** The item's index, or -1 when it is not in the matrix. */
    public int itemIndex(String itemId) {
        return itemIndex.getOrDefault(itemId, -1);
    }

    /** First entry of user u's row; the row is {@code rowStart(u) .. rowStart(u + 1) - 1}, items ascending. */
    public int rowStart(int u) {
        return rowStart[u];
    }

    public int col(int entry) {
        return cols[entry];
    }

    public float value(int entry) {
        return values[entry];
    }

    /** Newest time of the entry's pair, epoch seconds. */
    public long time(int entry) {
        return times[entry];
    }

    /** First entry of item i's column; the column is {@code colStart(i) .. colStart(i + 1) - 1}, users ascending. */
    public int colStart(int i) {
        return colStart[i];
    }

    public int colRow(int entry) {
        return rows[entry];
    }

    public float colValue(int entry) {
        return colValues[entry];
    }

    /** Distinct training users of item i (the popularity the baseline and the novelty metrics use). */
    public int support(int i) {
        return colStart[i + 1] - colStart[i];
    }

    public List<String> features(int item) {
        return itemFeatures.getOrDefault(itemIds.get(item), List.of());
    }
}
