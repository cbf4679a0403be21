package io.tunetrail.store.online;

import java.util.Map;

/**
 * The outcome of one model version's recommendations from the feedback clients reported with its
 * {@code model_version} ({@link OnlineStore#feedback}): the share of judgements that were positive. Positive are
 * {@code like} and {@code add_to_playlist}, negative {@code dislike} and {@code skip}. A {@code play} counts as
 * neither: clients report one for every item they start, the skipped ones included, so it says that an item was
 * served rather than whether it pleased. A/B experiments and canaries both judge versions by this one rate.
 */
public record FeedbackRate(long positive, long negative) {

    public static FeedbackRate of(Map<String, Long> counts) {
        return new FeedbackRate(counts.getOrDefault("like", 0L) + counts.getOrDefault("add_to_playlist", 0L),
                counts.getOrDefault("dislike", 0L) + counts.getOrDefault("skip", 0L));
    }

    /** The judgements counted: positive plus negative. */
    public long judged() {
        return positive + negative;
    }

    /** positive / (positive + negative); null before any judgement. */
    public Double rate() {
        return judged() == 0 ? null : (double) positive / judged();
    }
}
