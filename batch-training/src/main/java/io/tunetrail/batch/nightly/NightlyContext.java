package io.tunetrail.batch.nightly;

import static org.apache.spark.sql.functions.col;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Everything a {@link NightlyJob} reads and writes, for one run of the chain: the SparkSession, the offline store,
 * the inputs (interactions from Delta, the catalog from PostgreSQL), PostgreSQL, the model registry and Redis, the
 * configuration, the clock and the run id.
 *
 * <p>Inputs are read once per run and shared by the jobs: {@link #interactions()} is pinned to the Delta version the
 * first job saw, so every job of a run trains on the same snapshot. PostgreSQL and Redis are connected on first use
 * and closed by {@link #close()}. Results of the jobs that already ran in this run are available through
 * {@link #previous(String)} (track-similarity uses the als job's model versions); a job run alone falls back to what
 * the offline store holds.
 *
 * <p>Build one with {@link #builder(SparkSession, PlatformConfig)}; tests set the store root, the orgs and the stores.
 */
public final class NightlyContext implements AutoCloseable {
    /** {@code organisations.edition} of the self-hosted, open-core edition. */
    public static final String COMMUNITY = "community";
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final SparkSession spark;
    private final PlatformConfig config;
    private final OfflineTables tables;
    private final Clock clock;
    private final String runId;
    private final Optional<String> org;
    private final Optional<LocalDate> asOf;
    private final Map<String, JobResult> results = new LinkedHashMap<>();
    private final ChainProgress progress;
    private HikariDataSource ownDataSource;
    private DataSource dataSource;
    private OnlineStore onlineStore;
    private boolean ownOnlineStore;
    private ModelRegistry registry;
    private DeltaInput interactions;
    private Dataset<Row> catalog;
    private List<String> orgs;
    private Map<String, String> editions;
    private Map<String, String> plans;

    private NightlyContext(Builder b) {
        this.spark = b.spark;
        this.config = b.config;
        this.tables = new OfflineTables(b.spark, b.storeRoot != null ? b.storeRoot : b.config.offlineStoreUri());
        this.asOf = Optional.ofNullable(b.asOf);
        // A run over a past day stamps what it writes with that day's end, not with when it happened to run.
        this.clock = b.clock != null ? b.clock
                : asOf.map(d -> Clock.fixed(endOf(d), ZoneOffset.UTC)).orElse(Clock.systemUTC());
        this.runId = b.runId != null ? b.runId
                : RUN_TIME.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.org = Optional.ofNullable(b.org);
        this.dataSource = b.dataSource;
        this.onlineStore = b.onlineStore;
        this.progress = b.progress != null ? b.progress : ChainProgress.silent();
    }

    public static Builder builder(SparkSession spark, PlatformConfig config) {
        return new Builder(spark, config);
    }

    public SparkSession spark() {
        return spark;
    }

    /** The platform configuration, job parameters included (a training request's params arrive as overrides). */
    public PlatformConfig config() {
        return config;
    }

    public OfflineTables tables() {
        return tables;
    }

    public Clock clock() {
        return clock;
    }

    /** This run's id ({@code 20261122T230000Z-a1b2c3}), written beside every output row. */
    public String runId() {
        return runId;
    }

    /** Where the run is: jobs loop over their orgs through {@link ChainProgress#orgs} so the CLI can show it. */
    public ChainProgress progress() {
        return progress;
    }

    /** The one org this run is limited to ({@code --org}), if any. */
    public Optional<String> orgFilter() {
        return org;
    }

    /** The day this run recomputes ({@code --as-of}): inputs are read as they stood at its end (UTC). */
    public Optional<LocalDate> asOf() {
        return asOf;
    }

    /** The instant a run as of {@code day} reads its inputs at: the end of that UTC day. */
    public static Instant endOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * Listening events from the offline store's {@code interactions} table, limited to {@link #orgFilter()}, pinned to
     * one Delta version for the whole run: the newest, or under {@link #asOf()} the newest committed by the end of that
     * day (Delta time travel), so a past day is recomputed from exactly what it had.
     */
    public synchronized DeltaInput interactions() {
        if (interactions == null) {
            String whatToDo = "land the topics first (./tunetrail land), after generating or importing data";
            DeltaInput all = asOf.isPresent() ? tables.readAsOf("interactions", endOf(asOf.get()), whatToDo)
                    : tables.read("interactions", whatToDo);
            // Every job of the chain scans these rows, several per org: one cached scan of the pinned version
            // instead of reading its Parquet files again each time. Spilled to disk when memory is short.
            Dataset<Row> rows = org.map(o -> all.rows().filter(col("org_id").equalTo(o))).orElse(all.rows())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            interactions = new DeltaInput(all.table(), all.version(), rows);
        }
        return interactions;
    }

    /** The orgs this run trains: every org with interactions (only the filter's, when set), sorted. */
    public synchronized List<String> orgs() {
        if (orgs == null) {
            orgs = interactions().rows().select("org_id").distinct()
                    .orderBy("org_id").collectAsList().stream().map(r -> r.getString(0)).toList();
            if (org.isPresent() && orgs.isEmpty()) {
                throw new IllegalStateException("org " + org.get() + " has no interactions in the offline store at "
                        + tables.location("interactions") + ", so there is nothing to train; check the org id, or land its "
                        + "events first (./tunetrail land)");
            }
        }
        return orgs;
    }

    /** The edition ({@code community} or {@code cloud}, {@code organisations.edition}) of each org of {@link #orgs()}. */
    public synchronized Map<String, String> editions() {
        readOrganisations();
        return editions;
    }

    /** The org's plan ({@code organisations.plan_id}); empty for events of an org that is not in PostgreSQL. */
    public synchronized Optional<String> planOf(String orgId) {
        readOrganisations();
        return Optional.ofNullable(plans.get(orgId));
    }

    private void readOrganisations() {
        if (editions == null) {
            Map<String, String> found = new LinkedHashMap<>();
            Map<String, String> planIds = new LinkedHashMap<>();
            try (java.sql.Connection c = dataSource().getConnection();
                    java.sql.PreparedStatement ps = c.prepareStatement("SELECT org_id, edition, plan_id FROM organisations WHERE org_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", orgs().toArray()));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getString(2));
                        planIds.put(rs.getString(1), rs.getString(3));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("reading the orgs' editions and plans from PostgreSQL failed: " + e.getMessage(), e);
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String o : orgs()) {
                // Events of an org that is not (or no longer) in PostgreSQL: trained like a cloud org, as before.
                ordered.put(o, found.getOrDefault(o, "cloud"));
            }
            editions = ordered;
            plans = planIds;
        }
    }

    /**
     * True when the org's listeners are served by the global (community edition) ALS model rather than a model of the
     * org's own: every community-edition org.
     */
    public boolean servedByGlobalModel(String orgId) {
        return COMMUNITY.equals(editions().get(orgId));
    }

    /** The orgs of this run that get an ALS model of their own (every org that is not community edition). */
    public List<String> orgsWithOwnModel() {
        return orgs().stream().filter(o -> !servedByGlobalModel(o)).toList();
    }

    /** The orgs of this run served by the global model, sorted. */
    public List<String> communityOrgs() {
        return orgs().stream().filter(this::servedByGlobalModel).toList();
    }

    /**
     * The ALS version whose factors and recommendations serve the org: the org's own newest {@code als} version, or
     * for a community-edition org the newest global one (its rows sit under the org's partition, labelled
     * {@link ModelLabel#of}). Fails saying which job to run when there is none.
     */
    public ModelVersion alsVersion(String orgId) {
        if (!servedByGlobalModel(orgId)) {
            return newestVersion(orgId, "als");
        }
        return registry().versions(null, "als").stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("org " + orgId + " is community edition and is served by the "
                        + "global ALS model, which has no version yet; run the als-global job first, without --org "
                        + "(./tunetrail train --job als-global)"));
    }

    /**
     * The catalog's tracks from PostgreSQL (read over JDBC once per run, cached): {@code org_id, track_id, artist_id,
     * duration_ms, popularity, genres} (array of genre ids, primary first) and the audio features ({@code tempo,
     * energy, ...}; null when the track has none), limited to {@link #orgFilter()}.
     */
    public synchronized Dataset<Row> catalogTracks() {
        if (catalog == null) {
            catalog = new CatalogReader(spark, config).tracks(org).cache();
        }
        return catalog;
    }

    /** The platform's PostgreSQL (a pool opened on first use unless one was given). */
    public synchronized DataSource dataSource() {
        if (dataSource == null) {
            ownDataSource = Database.connect(config, 2);
            dataSource = ownDataSource;
        }
        return dataSource;
    }

    /**
     * The model registry over {@link #dataSource()}: a job registers each org's new version as a candidate
     * ({@code register(org, algorithm, params, inputSnapshot)}), writes its rows under that version, records metrics;
     * the materialise job promotes under the org's plan policy, pin and freeze.
     */
    public synchronized ModelRegistry registry() {
        if (registry == null) {
            registry = new ModelRegistry(dataSource(), PlanCatalog.load());
        }
        return registry;
    }

    /**
     * The org's newest version of {@code algorithm} (this run's, when the job that makes it ran before); fails when
     * there is none, saying which job to run first.
     */
    public ModelVersion newestVersion(String orgId, String algorithm) {
        return registry().versions(orgId, algorithm).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("org " + orgId + " has no " + algorithm
                        + " model version yet; run the " + algorithm + " job first (./tunetrail train --job " + algorithm + ")"));
    }

    /** A snapshot record for the registry: the run id and each input's Delta version. */
    public Map<String, Object> inputSnapshot(DeltaInput... inputs) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("run_id", runId);
        asOf.ifPresent(d -> snapshot.put("as_of", d.toString()));
        for (DeltaInput input : inputs) {
            snapshot.put(input.table() + "_delta_version", input.version());
        }
        return snapshot;
    }

    /** The online store (Redis), connected on first use unless one was given. */
    public synchronized OnlineStore onlineStore() {
        if (onlineStore == null) {
            onlineStore = RedisOnlineStore.connect(config);
            ownOnlineStore = true;
        }
        return onlineStore;
    }

    /** The result of a job that already ran in this run. */
    public synchronized Optional<JobResult> previous(String job) {
        return Optional.ofNullable(results.get(job));
    }

    synchronized void record(JobResult result) {
        results.put(result.job(), result);
    }

    @Override
    public synchronized void close() {
        if (interactions != null) {
            interactions.rows().unpersist();
        }
        if (catalog != null) {
            catalog.unpersist();
        }
        if (ownDataSource != null) {
            ownDataSource.close();
        }
        if (ownOnlineStore) {
            try {
                onlineStore.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the online store failed: " + e.getMessage(), e);
            }
        }
    }

    /** Builds a {@link NightlyContext}; only the SparkSession and the configuration are required. */
    public static final class Builder {
        private final SparkSession spark;
        private final PlatformConfig config;
        private String storeRoot;
        private Clock clock;
        private String runId;
        private String org;
        private LocalDate asOf;
        private DataSource dataSource;
        private OnlineStore onlineStore;
        private ChainProgress progress;

        private Builder(SparkSession spark, PlatformConfig config) {
            this.spark = Objects.requireNonNull(spark, "spark");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The offline store root; default the configuration's {@code offline.store}. */
        public Builder storeRoot(String root) {
            this.storeRoot = root;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        /** Limit the run to one org; null for all orgs. */
        public Builder org(String org) {
            this.org = org;
            return this;
        }

        /** Read the inputs as they stood at the end of this UTC day (Delta time travel); null for their newest version. */
        public Builder asOf(LocalDate day) {
            this.asOf = day;
            return this;
        }

        /** A PostgreSQL pool the context uses and does not close. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** An online store the context uses and does not close. */
        public Builder onlineStore(OnlineStore store) {
            this.onlineStore = store;
            return this;
        }

        /** Where the run's steps are reported; by default nowhere. */
        public Builder progress(ChainProgress progress) {
            this.progress = progress;
            return this;
        }

        public NightlyContext build() {
            return new NightlyContext(this);
        }
    }
}
