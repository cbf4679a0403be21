package io.tunetrail.store.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A custom training request of an org ({@code training_requests}): what to train, how urgently, and how it went.
 *
 * @param priority       the plan's training priority when it was asked for; higher runs first
 * @param modelVersionId the version it produced, once it succeeded
 * @param error          why it failed, once it failed
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
        Instant finishedAt) {

    /** Where a request is. {@code QUEUED} and {@code RUNNING} are unfinished; the rest are final. */
    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        public boolean isFinal() {
            return this != QUEUED && this != RUNNING;
        }
    }
}
