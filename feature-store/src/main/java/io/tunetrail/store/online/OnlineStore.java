package io.tunetrail.store.online;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The online feature store: the latest features per entity, read by the API with low latency, and usage counters.
 *
 * <p>A narrow contract in the feast sense: {@link #writeBatch} and {@link #read} move whole rows of a
 * {@link FeatureView} for one org. Versioned views (model outputs) add a pointer that {@link #activateVersion} flips
 * atomically; counter views are incremented with {@link #addUsage} and read with {@link #usage}. Every call names the
 * org, and no call reads or writes another org's data.
 *
 * <p>Implementations hold connections: create them where they are used (a Flink operator's {@code open}, a Spark
 * partition, the API's wiring) and close them when done. They are thread-safe.
 */
public interface OnlineStore extends AutoCloseable {

    /**
     * Writes rows of a LATEST or VERSIONED view (all features of the view per row) and sets each row's TTL to the
     * view's. {@code version} names the model version for a VERSIONED view (the rows stay invisible to readers until
     * {@link #activateVersion}) and must be null otherwise. Returns the number of rows written.
     */
    int writeBatch(String orgId, FeatureView view, String version, List<FeatureRow> rows);

    /**
     * The rows of the given entities in one round trip, in the order asked; entities without a row (never written,
     * expired, or no active version) are absent from the map. For a VERSIONED view every row comes from the version
     * that was active at the moment of the read, never a mix of two.
     */
    Map<String, FeatureRow> read(String orgId, FeatureView view, List<String> entityIds);

    /**
     * Makes {@code version} the one readers of a VERSIONED view see, atomically, and returns the version it replaced.
     * Write every row of the version first: readers switch at once, and entities the new version lacks have no row.
     */
    Optional<String> activateVersion(String orgId, FeatureView view, String version);

    /**
     * One entity's rows of several views (LATEST or VERSIONED) in one round trip; views without a row for the entity
     * are absent. Each VERSIONED row comes from the version active at the moment of the read.
     */
    Map<FeatureView, FeatureRow> readViews(String orgId, String entityId, List<FeatureView> views);

    /**
     * One entity's row of a VERSIONED view under a named version, active or not (an A/B experiment's arm serves a
     * version beside the active one); empty when that version has no row for the entity.
     */
    Optional<FeatureRow> readVersion(String orgId, FeatureView view, String entityId, String version);

    /**
     * Deletes every row of a VERSIONED view under one version (the retention of retired versions); returns how many
     * keys went. Refused for the version readers currently see.
     */
    long deleteVersion(String orgId, FeatureView view, String version);

    /**
     * Whether any row of a VERSIONED view is stored under {@code version} (rows expire with their TTL, so a retired
     * version a rollback goes back to may have none left until the nightly run writes them again).
     */
    boolean hasVersionRows(String orgId, FeatureView view, String version);

    /**
     * Keeps every row of a VERSIONED view under {@code version} for at least {@code ttl} from now (a row's expiry is
     * moved later, never earlier); returns how many rows it found. A canary serves two versions for longer than the
     * view's TTL may leave them (an extended period), so its arms' rows are kept alive this way.
     */
    long keepVersionRows(String orgId, FeatureView view, String version, java.time.Duration ttl);

    /** The version readers of a VERSIONED view currently see. */
    Optional<String> activeVersion(String orgId, FeatureView view);

    /**
     * Starts (or, with null, ends) serving a canary on a VERSIONED view keyed by listener: from the next read on, the
     * listeners {@code split} selects get the candidate's rows where it has them, everyone else the active version's.
     */
    void setCanary(String orgId, FeatureView view, CanarySplit split);

    /**
     * The feedback counts (like, skip, ...) recommendations of one model version received, by type: what clients
     * reported with that {@code model_version} ({@code POST /recommendations/feedback}); empty when none.
     */
    Map<String, Long> feedback(String orgId, String version);

    /**
     * Adds {@code units} to the org's counters of {@code resource} for the UTC day and month of {@code at}, atomically,
     * and returns the new totals (what a quota check compares with the plan's limits). Counters live until their
     * period ends plus the {@code org_usage} view's TTL; an increment for a period older than that is not kept.
     */
    UsageCount addUsage(String orgId, String resource, long units, Instant at);

    /** The org's counters of each resource for the UTC day and month of {@code at}, in one round trip. */
    Map<String, UsageCount> usage(String orgId, Collection<String> resources, Instant at);

    /** Releases the store's connections. */
    @Override
    void close();
}
