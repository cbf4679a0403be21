package io.tunetrail.ingestion.synthetic;

/**
 * A binary min-heap of listeners ordered by their next event time, then by the order they were added.
 *
 * <p>Not {@link java.util.PriorityQueue}: with hundreds of thousands of listeners the merge is bound by memory
 * access, so the keys live in primitive arrays beside the listeners and the top is replaced in place (one sift
 * instead of a poll and an add).
 */
final class ListenerQueue {
    private final Listener[] items;
    private final long[] time;
    private final int[] rank;
    private int size;

    ListenerQueue(int capacity) {
        items = new Listener[capacity];
        time = new long[capacity];
        rank = new int[capacity];
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds a listener that has a next event; {@code order} breaks ties between equal event times. */
    void add(Listener listener, int order) {
        int i = size++;
        items[i] = listener;
        time[i] = listener.nextMillis;
        rank[i] = order;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(i, parent)) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    Listener top() {
        return items[0];
    }

    /** Re-positions the top after it advanced, or removes it when it has no more events. */
    void topChanged(boolean hasNext) {
        if (hasNext) {
            time[0] = items[0].nextMillis;
        } else {
            size--;
            items[0] = items[size];
            time[0] = time[size];
            rank[0] = rank[size];
            items[size] = null;
        }
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left + 1 < size && less(left + 1, left) ? left + 1 : left;
            if (!less(child, i)) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    private boolean less(int a, int b) {
        return time[a] < time[b] || (time[a] == time[b] && rank[a] < rank[b]);
    }

    private void swap(int a, int b) {
        Listener l = items[a];
        items[a] = items[b];
        items[b] = l;
        long t = time[a];
        time[a] = time[b];
        time[b] = t;
        int r = rank[a];
        rank[a] = rank[b];
        rank[b] = r;
    }
}
