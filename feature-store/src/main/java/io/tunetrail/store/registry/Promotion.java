package io.tunetrail.store.registry;

/**
 * What {@link ModelRegistry#promote} decided for a candidate.
 *
 * @param promoted  true when the candidate is now the active version
 * @param active    the active version afterwards (the candidate, or the one that stayed), null if there is none
 * @param reason    why, in words fit for a log or an API response ("promoted", "org is frozen", ...)
 * @param canaryId  the canary the candidate is tried in instead of being promoted ({@link ModelCanaries}), or null
 */
public record Promotion(boolean promoted, ModelVersion candidate, ModelVersion active, String reason, Long canaryId) {
    public Promotion(boolean promoted, ModelVersion candidate, ModelVersion active, String reason) {
        this(promoted, candidate, active, reason, null);
    }
}
