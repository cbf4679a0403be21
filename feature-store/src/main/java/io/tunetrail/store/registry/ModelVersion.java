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

    /** The prefix of a global version's label; see {@link #label}. */
    public static final String GLOBAL_LABEL_PREFIX = "global-";

    public boolean isGlobal() {
        return orgId == null;
    }

    /** The family nobody chose: ALS before the nightly per-org choice, and the lineages built on ALS factors. */
    public static final String DEFAULT_FAMILY = "als";

    /**
     * The model family whose lists this version's rows hold: {@code input_snapshot.family}, which the nightly per-org
     * choice records ({@code ease}, {@code itemknn}, ...). A version without one is ALS's: those registered before the
     * choice existed, an org too big for it, the global model and the similarity lineages (cosines of ALS factors).
     */
    public String family() {
        return inputSnapshot != null && inputSnapshot.get("family") instanceof String f && !f.isBlank() ? f : DEFAULT_FAMILY;
    }

    /**
     * The {@code model_version} its rows carry in Delta and Redis and the online pointer names: {@code 1.3} for an
     * org's own version, {@code global-1.3} for the global (community edition) model, whose rows are written under each
     * community org's keys. The prefix keeps the two lineages apart: both number from {@code 1.0}.
     */
    public String label() {
        return (isGlobal() ? GLOBAL_LABEL_PREFIX : "") + version;
    }
}
