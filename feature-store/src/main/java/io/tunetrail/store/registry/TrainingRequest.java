package io.tunetrail.store.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A custom training request of an org ({@code training_requests}): what to train, how urgently, and how it went.
 *
 * @param priority       the rank of the plan's job priority when it was asked for (low 1 .. critical 4); higher runs first
 * @param modelVersionId the version it produced, once it succeeded
 * @param error          why it failed, once it failed (or why its last attempt failed, while it waits to be retried)
 * @param attempts       how many times a worker has taken it
 * @param worker         the worker that holds it, or held it last
 * @param stage          what its worker last reported doing
 * @param percent        how far its worker last reported it to be (0..100), or null
 * @param notBefore      a queued request is not taken before this (the backoff after a failed attempt)
 * @param updatedAt      when anything about it last changed (progress included)
 */
public record TrainingRequest(
        String orgId,
        String requestId,
        String algorithm,
        Map<String, Object> params,
        int priority,
        Status status,
        String requestedByKey,
        Long modelVersionId,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        String worker,
        String stage,
        Integer percent,
        Instant notBefore,
        Instant updatedAt) {

    /** Where a request is. {@code QUEUED} and {@code RUNNING} are unfinished; the rest are final. */
    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        public boolean isFinal() {
            return this != QUEUED && this != RUNNING;
        }
    }
}
