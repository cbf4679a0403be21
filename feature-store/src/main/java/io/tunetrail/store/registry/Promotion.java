package io.tunetrail.store.registry;

/**
 * What {@link ModelRegistry#promote} decided for a candidate.
 *
 * @param promoted  true when the candidate is now the active version
 * @param active    the active version afterwards (the candidate, or the one that stayed), null if there is none
 * @param reason    why, in words fit for a log or an API response ("promoted", "org is frozen", ...)
 */
public record Promotion(boolean promoted, ModelVersion candidate, ModelVersion active, String reason) {}
