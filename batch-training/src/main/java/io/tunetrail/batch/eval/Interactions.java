package io.tunetrail.batch.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A data set's user–item rows in file order, the unit the holdout splits draw from: one row per line of the source
 * file (the importer may cut a large play count into several events; consecutive events of the same pair are one
 * row again). Each row has a weight (plays, or 1 per rated event) and the newest event time in epoch seconds.
 * Items may carry features (genres, tags) for the content family.
 */
public final class Interactions {
    private final List<String> userIds;
    private final List<String> itemIds;
    private final int[] user;
    private final int[] item;
    private final float[] weight;
    private final long[] time;
    private final Map<String, List<String>> itemFeatures;

    private Interactions(List<String> userIds, List<String> itemIds, int[] user, int[] item, float[] weight, long[] time,
            Map<String, List<String>> itemFeatures) {
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.user = user;
        this.item = item;
        this.weight = weight;
        this.time = time;
        this.itemFeatures = itemFeatures;
    }

    public int size() {
        return user.length;
    }

    public String userId(int row) {
        return userIds.get(user[row]);
    }

    public String itemId(int row) {
        return itemIds.get(item[row]);
    }

    /** The dense index of the row's user (0 .. users-1), in order of first appearance. */
    public int user(int row) {
        return user[row];
    }

    public int users() {
        return userIds.size();
    }

    public float weight(int row) {
        return weight[row];
    }

    public long time(int row) {
        return time[row];
    }

    /** Feature ids (genres, tags) of an item by id; empty when it has none. */
    public List<String> features(String itemId) {
        return itemFeatures.getOrDefault(itemId, List.of());
    }

    public Map<String, List<String>> itemFeatures() {
        return itemFeatures;
    }

    /** The rows whose mask entry is {@code keep}, in the same order (how a split's training part is split again). */
    public Interactions subset(boolean[] mask, boolean keep) {
        Builder b = new Builder();
        for (int r = 0; r < size(); r++) {
            if (mask[r] == keep) {
                b.addRow(userId(r), itemId(r), weight[r], time[r]);
            }
        }
        return b.build(itemFeatures);
    }

    /** Collects rows in file order. */
    public static final class Builder {
        private final Map<String, Integer> users = new HashMap<>();
        private final Map<String, Integer> items = new HashMap<>();
        private final List<String> userIds = new ArrayList<>();
        private final List<String> itemIds = new ArrayList<>();
        private int[] user = new int[1024];
        private int[] item = new int[1024];
        private float[] weight = new float[1024];
        private long[] time = new long[1024];
        private int n;

        /** One event; when it continues the previous row's pair (a play count cut into parts) it joins that row. */
        public Builder addEvent(String userId, String itemId, float count, long epochSecond) {
            if (n > 0 && userIds.get(user[n - 1]).equals(userId) && itemIds.get(item[n - 1]).equals(itemId)) {
                weight[n - 1] += count;
                time[n - 1] = Math.max(time[n - 1], epochSecond);
                return this;
            }
            return addRow(userId, itemId, count, epochSecond);
        }

        /** One row, never joined with the previous one. */
        public Builder addRow(String userId, String itemId, float w, long epochSecond) {
            if (n == user.length) {
                int size = n * 2;
                user = Arrays.copyOf(user, size);
                item = Arrays.copyOf(item, size);
                weight = Arrays.copyOf(weight, size);
                time = Arrays.copyOf(time, size);
            }
            user[n] = users.computeIfAbsent(userId, id -> { userIds.add(id); return userIds.size() - 1; });
            item[n] = items.computeIfAbsent(itemId, id -> { itemIds.add(id); return itemIds.size() - 1; });
            weight[n] = w;
            time[n] = epochSecond;
            n++;
            return this;
        }

        public Interactions build(Map<String, List<String>> itemFeatures) {
            return new Interactions(List.copyOf(userIds), List.copyOf(itemIds), Arrays.copyOf(user, n),
                    Arrays.copyOf(item, n), Arrays.copyOf(weight, n), Arrays.copyOf(time, n), Map.copyOf(itemFeatures));
        }
    }
}
