package io.tunetrail.batch.eval.family;

/** A fitted model: a score for every candidate item (the training matrix's items) for one of its users. */
public interface Recommender {
    /**
     * Writes user u's score of every item into {@code out} (length = items); higher ranks first. Called from several
     * threads at once, so it keeps no state between calls.
     */
    void score(int user, float[] out);
}
