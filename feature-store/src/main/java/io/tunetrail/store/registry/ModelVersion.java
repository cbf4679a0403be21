package io.tunetrail.store.registry;

import java.time.Instant;
import java.util.Map;

/**
 * One trained model version of the registry ({@code model_versions}).
 *
 * @param id           the registry's key, which analytics rows and pins refer to
 * @param orgId        the org it was trained for, or null for a global model (community edition, cold start)
 * @param algorithm    the job that made it ({@code als}, {@code track-similarity}, ...)
 * @param version      {@code MAJOR.MINOR}, see {@link VersionNumber}
 * @param inputSnapshot what it was trained on (tables, Delta versions, date range), to reproduce it
 * @param promotedAt   when it last became active; null if it never was
 */
public record ModelVersion(
        long id,
        String orgId,
        String algorithm,
        VersionNumber version,
        Map<String, Object> params,
        Map<String, Object> metrics,
        Map<String, Object> inputSnapshot,
        Status status,
        Instant createdAt,
        Instant promotedAt) {

    /** Where a version is in its life. */
    public enum Status {
        CANDIDATE, ACTIVE, RETIRED;

        String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isGlobal() {
        return orgId == null;
    }
}
