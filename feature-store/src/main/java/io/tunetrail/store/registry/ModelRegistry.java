package io.tunetrail.store.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlanCatalog.ModelPolicy;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The model registry: every trained version per org (or global) and algorithm, which one is active, and the rules
 * that decide when a new one becomes active.
 *
 * <p>A job {@link #register registers} a candidate, writes its outputs under the candidate's id, records its metrics
 * and then asks to {@link #promote} it. Promotion follows the org's plan policy (plan catalog) and the org's own
 * settings, in this order: while the platform's models are frozen ({@link PlatformModelFreeze}) nothing is
 * promoted anywhere; an org on hold ({@code organisations.frozen}) or with a model freeze
 * ({@code org_model_policy.frozen}) keeps its active version; a pinned org (plans whose policy is {@code pinned})
 * keeps its pin; an {@code allow_minor} org gets only a new minor version of its active major version; otherwise
 * the candidate becomes active. Each change of the active version is one transaction, so readers that join on the
 * active version see either the old or the new one, never a mix.
 *
 * <p>Every method that takes an org id only ever reads or changes that org's rows: a version id of another org is
 * "not found", never revealed.
 */
public final class ModelRegistry {
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};
    static final String COLUMNS = "model_version_id, org_id, algorithm, version, params, metrics, input_snapshot, "
            + "status, created_at, promoted_at";

    private final DataSource dataSource;
    private final PlanCatalog plans;

    public ModelRegistry(DataSource dataSource, PlanCatalog plans) {
        this.dataSource = dataSource;
        this.plans = plans;
    }

    /**
     * Records a new candidate and numbers it: when a version of the same org and algorithm had these {@code params},
     * the next minor version of that major version; otherwise a new major version ({@code 1.0} for the first).
     *
     * @param orgId null for a global model
     */
    public ModelVersion register(String orgId, String algorithm, Map<String, Object> params, Map<String, Object> inputSnapshot) {
        return run("registering a " + algorithm + " model", c -> Database.inTransaction(c, tx -> {
            lockLineage(tx, orgId, algorithm);
            List<ModelVersion> lineage = query(tx, "SELECT " + COLUMNS + " FROM model_versions WHERE org_id IS NOT DISTINCT FROM ? "
                    + "AND algorithm = ?", orgId, algorithm);
            // Compared as stored JSON, so 10 and 10L (or 1.0 written by another job) are the same parameter.
            Map<String, Object> stored = map(json(params));
            VersionNumber next = nextVersion(lineage, stored);
            return query(tx, "INSERT INTO model_versions (org_id, algorithm, version, params, input_snapshot) "
                    + "VALUES (?, ?, ?, ?::jsonb, ?::jsonb) RETURNING " + COLUMNS,
                    orgId, algorithm, next.toString(), json(params), json(inputSnapshot)).get(0);
        }));
    }

    /** Adds {@code metrics} to a version's metrics (keys given replace keys stored). */
    public ModelVersion recordMetrics(long versionId, Map<String, Object> metrics) {
        List<ModelVersion> updated = run("recording metrics", c -> query(c, "UPDATE model_versions SET metrics = metrics || ?::jsonb "
                + "WHERE model_version_id = ? RETURNING " + COLUMNS, json(metrics), versionId));
        if (updated.isEmpty()) {
            throw notFound(versionId);
        }
        return updated.get(0);
    }

    /** Promotes the candidate if the org's policy allows it now; see the class comment for the rules. */
    public Promotion promote(long candidateId) {
        return promote(candidateId, null);
    }

    /**
     * {@link #promote}, except that where the org's plan has a canary the candidate is tried in one instead
     * ({@link ModelCanaries#promoteOrStart}): started by {@code canaries} inside the promotion's transaction, after the
     * freeze, hold, pin and policy rules said the candidate may go ahead. Null {@code canaries}: promote directly.
     */
    Promotion promote(long candidateId, CanaryStarter canaries) {
        return run("promoting model version " + candidateId, c -> Database.inTransaction(c, tx -> {
            ModelVersion candidate = byIdAnyOrg(tx, candidateId).orElseThrow(() -> notFound(candidateId));
            lockLineage(tx, candidate.orgId(), candidate.algorithm());
            ModelVersion active = activeIn(tx, candidate.orgId(), candidate.algorithm()).orElse(null);
            if (candidate.status() != ModelVersion.Status.CANDIDATE) {
                throw StoreException.invalid("model version " + candidate.version() + " of " + candidate.algorithm() + " is "
                        + candidate.status().sql() + ", not a candidate", "Promote a newly registered version; use rollback or pin for older ones");
            }
            if (PlatformModelFreeze.frozenIn(tx)) {
                return new Promotion(false, candidate, active, PlatformModelFreeze.REFUSAL);
            }
            if (candidate.orgId() != null) {
                String refusal = refusal(tx, candidate, active);
                if (refusal != null) {
                    return new Promotion(false, candidate, active, refusal);
                }
                if (canaries != null && active != null) {
                    PlanCatalog.Canary canary = plans.plan(TrainingQueue.planOf(tx, candidate.orgId())).canary();
                    if (canary != null) {
                        return canaries.start(tx, candidate, active, canary);
                    }
                }
            }
            return new Promotion(true, candidate, makeActive(tx, candidate, active), "promoted");
        }));
    }

    /** Starts a canary of a candidate the rules let go ahead, in the promotion's transaction. */
    @FunctionalInterface
    interface CanaryStarter {
        Promotion start(Connection tx, ModelVersion candidate, ModelVersion active, PlanCatalog.Canary canary) throws SQLException;
    }

    /** Why the org's candidate may not become active now (its hold, freeze, pin or plan policy), or null when it may. */
    String refusal(Connection tx, ModelVersion candidate, ModelVersion active) throws SQLException {
        return refusal(policyIn(tx, candidate.orgId()), onHold(tx, candidate.orgId()), candidate, active);
    }

    /**
     * Makes the org's version active now, whatever its status, and pins it: the org keeps it until it
     * {@link #unpin unpins}. Only plans whose policy is {@code pinned} may pin.
     */
    public ModelVersion pin(String orgId, long versionId) {
        return run("pinning model version " + versionId, c -> Database.inTransaction(c, tx -> pinIn(tx, orgId, versionId).to()));
    }

    /** A change of the active version: {@code from} (null if there was none) and {@code to}. */
    record Switch(ModelVersion from, ModelVersion to) {}

    /** {@link #pin} inside the caller's transaction. Refused while the platform's models are frozen. */
    Switch pinIn(Connection tx, String orgId, long versionId) throws SQLException {
        OrgModelPolicy policy = policyIn(tx, orgId);
        if (policy.planPolicy() != ModelPolicy.PINNED) {
            throw StoreException.invalid("the org's plan has model policy " + policy.planPolicy().name().toLowerCase(java.util.Locale.ROOT)
                    + ", which does not allow pinning a version", "Pinning is part of plans whose model policy is pinned (config/plans.yaml)");
        }
        ModelVersion version = byId(tx, orgId, versionId).orElseThrow(() -> notFound(versionId));
        if (PlatformModelFreeze.frozenIn(tx)) {
            throw StoreException.conflict(PlatformModelFreeze.REFUSAL, "Wait until the operator unfreezes them "
                    + "(./tunetrail admin models unfreeze); a rollback stays allowed meanwhile");
        }
        lockLineage(tx, orgId, version.algorithm());
        ModelVersion active = activeIn(tx, orgId, version.algorithm()).orElse(null);
        ModelVersion now = version.status() == ModelVersion.Status.ACTIVE ? version : makeActive(tx, version, active);
        upsertPolicy(tx, orgId, versionId, policy.frozen());
        return new Switch(active, now);
    }

    /** Removes the org's pin; the next promotion follows the plan's policy again. The active version stays. */
    public OrgModelPolicy unpin(String orgId) {
        return run("unpinning", c -> Database.inTransaction(c, tx -> {
            upsertPolicy(tx, orgId, null, policyIn(tx, orgId).frozen());
            return policyIn(tx, orgId);
        }));
    }

    /** Sets or clears the org's model freeze: while frozen, new versions are trained but not promoted. */
    public OrgModelPolicy freeze(String orgId, boolean frozen) {
        return run("setting the model freeze", c -> Database.inTransaction(c, tx -> {
            upsertPolicy(tx, orgId, policyIn(tx, orgId).pinnedVersionId(), frozen);
            return policyIn(tx, orgId);
        }));
    }

    /**
     * Goes back to the version that was active before the current one: the current one retires, and the most recently
     * active of the older versions whose rows are still kept ({@link ModelRetention}) becomes active again. Refused while
     * the org is pinned.
     */
    public ModelVersion rollback(String orgId, String algorithm) {
        return run("rolling back " + algorithm, c -> Database.inTransaction(c, tx -> rollbackIn(tx, orgId, algorithm, null).to()));
    }

    /**
     * {@link #rollback} inside the caller's transaction. With {@code expectedFrom} (a version such as {@code 1.3}), only
     * when that version is still the active one: otherwise nothing changes and the result's {@code to} is null and its
     * {@code from} the version active now, so two rollbacks racing from the same version go back one version, not two.
     * Allowed while the platform's models are frozen: it is the emergency action.
     */
    Switch rollbackIn(Connection tx, String orgId, String algorithm, String expectedFrom) throws SQLException {
        lockLineage(tx, orgId, algorithm);
        if (orgId != null && policyIn(tx, orgId).isPinned()) {
            throw StoreException.conflict("the org is pinned to a model version", "Unpin it first (PUT /api/v1/models/policy)");
        }
        ModelVersion active = activeIn(tx, orgId, algorithm).orElseThrow(() -> StoreException.conflict(
                "there is no active " + algorithm + " version to roll back from", "Train and promote one first"));
        if (expectedFrom != null && !active.version().toString().equals(expectedFrom)) {
            return new Switch(active, null);
        }
        // Older versions only, so a second rollback goes further back instead of returning to the version just left.
        List<ModelVersion> earlier = query(tx, "SELECT " + COLUMNS + " FROM model_versions WHERE org_id IS NOT DISTINCT FROM ? "
                + "AND algorithm = ? AND status = 'retired' AND promoted_at IS NOT NULL AND rows_pruned_at IS NULL "
                + "ORDER BY promoted_at DESC", orgId, algorithm)
                .stream().filter(v -> v.version().compareTo(active.version()) < 0).toList();
        List<ModelVersion> previous = earlier.stream().limit(1).toList();
        if (previous.isEmpty()) {
            boolean pruned = !query(tx, "SELECT " + COLUMNS + " FROM model_versions WHERE org_id IS NOT DISTINCT FROM ? "
                    + "AND algorithm = ? AND status = 'retired' AND promoted_at IS NOT NULL", orgId, algorithm)
                    .stream().filter(v -> v.version().compareTo(active.version()) < 0).toList().isEmpty();
            throw pruned
                    ? StoreException.conflict("the " + algorithm + " versions before " + active.version()
                            + " had their rows pruned by the retention rule", "Train a new version instead, or keep more "
                            + "retired versions for rollback (batch.retention.keep-retired)")
                    : StoreException.conflict("version " + active.version() + " is the first " + algorithm + " version ever active",
                            "There is nothing earlier to roll back to");
        }
        return new Switch(active, makeActive(tx, previous.get(0), active));
    }

    /** The org's active version of {@code algorithm}; empty if it has none of its own (callers may fall back to {@link #activeGlobal}). */
    public Optional<ModelVersion> active(String orgId, String algorithm) {
        Objects.requireNonNull(orgId, "orgId");
        return run("reading the active " + algorithm + " version", c -> activeIn(c, orgId, algorithm));
    }

    /** The active global (community, cold-start) version of {@code algorithm}. */
    public Optional<ModelVersion> activeGlobal(String algorithm) {
        return run("reading the active global " + algorithm + " version", c -> activeIn(c, null, algorithm));
    }

    /** One of the org's versions; empty for an unknown id or another org's. */
    public Optional<ModelVersion> version(String orgId, long versionId) {
        return run("reading model version " + versionId, c -> byId(c, orgId, versionId));
    }

    /**
     * The version whose rows carry {@code label} ({@link ModelVersion#label}): the org's own, or the global one for a
     * {@code global-} label (the community edition's rows, written under each community org). Empty when unknown.
     */
    public Optional<ModelVersion> byLabel(String orgId, String algorithm, String label) {
        Objects.requireNonNull(orgId, "orgId");
        boolean global = label.startsWith(ModelVersion.GLOBAL_LABEL_PREFIX);
        String version = global ? label.substring(ModelVersion.GLOBAL_LABEL_PREFIX.length()) : label;
        return run("reading " + algorithm + " version " + label, c -> query(c, "SELECT " + COLUMNS + " FROM model_versions "
                + "WHERE org_id IS NOT DISTINCT FROM ? AND algorithm = ? AND version = ?", global ? null : orgId, algorithm, version)
                .stream().findFirst());
    }

    /** The org's versions of {@code algorithm}, newest first. */
    public List<ModelVersion> versions(String orgId, String algorithm) {
        return run("listing " + algorithm + " versions", c -> query(c, "SELECT " + COLUMNS + " FROM model_versions "
                + "WHERE org_id IS NOT DISTINCT FROM ? AND algorithm = ? ORDER BY created_at DESC, model_version_id DESC", orgId, algorithm));
    }

    /** The org's plan policy with its own pin and freeze. */
    public OrgModelPolicy policy(String orgId) {
        return run("reading the model policy", c -> policyIn(c, orgId));
    }

    // --- rules ---------------------------------------------------------------------------------------------------

    /** Each major version is one set of params; a retrain with known params continues that major version. */
    static VersionNumber nextVersion(List<ModelVersion> lineage, Map<String, Object> params) {
        Optional<VersionNumber> sameParams = lineage.stream().filter(v -> v.params().equals(params))
                .map(ModelVersion::version).max(VersionNumber::compareTo);
        if (sameParams.isPresent()) {
            int major = sameParams.get().major();
            return lineage.stream().map(ModelVersion::version).filter(v -> v.major() == major)
                    .max(VersionNumber::compareTo).orElseThrow().nextMinor();
        }
        return lineage.stream().map(ModelVersion::version).max(VersionNumber::compareTo)
                .map(VersionNumber::nextMajor).orElse(VersionNumber.FIRST);
    }

    static String refusal(OrgModelPolicy policy, boolean onHold, ModelVersion candidate, ModelVersion active) {
        if (onHold) {
            return "the org is on hold (organisations.frozen): no model is promoted";
        }
        if (policy.frozen()) {
            return "the org froze its models: candidates are kept until it unfreezes";
        }
        if (policy.isPinned()) {
            return "the org pinned version " + policy.pinnedVersionId() + ": it keeps it until it unpins";
        }
        if (policy.planPolicy() == ModelPolicy.ALLOW_MINOR && active != null && active.version().major() != candidate.version().major()) {
            return "the plan allows minor versions only: " + candidate.version() + " changes the major version of active "
                    + active.version() + " (changed parameters); it stays a candidate until promoted by hand";
        }
        return null;
    }

    // --- SQL -----------------------------------------------------------------------------------------------------

    ModelVersion makeActive(Connection tx, ModelVersion next, ModelVersion current) throws SQLException {
        if (current != null && current.id() != next.id()) {
            update(tx, "UPDATE model_versions SET status = 'retired' WHERE model_version_id = ?", current.id());
        }
        return query(tx, "UPDATE model_versions SET status = 'active', promoted_at = greatest(now(), created_at) "
                + "WHERE model_version_id = ? RETURNING " + COLUMNS, next.id()).get(0);
    }

    /** Serialises changes to one org's versions of one algorithm (numbering, promotion), across processes. */
    static void lockLineage(Connection tx, String orgId, String algorithm) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('model:' || coalesce(?, '') || ':' || ?))")) {
            ps.setString(1, orgId);
            ps.setString(2, algorithm);
            ps.execute();
        }
    }

    Optional<ModelVersion> activeIn(Connection c, String orgId, String algorithm) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM model_versions WHERE org_id IS NOT DISTINCT FROM ? AND algorithm = ? "
                + "AND status = 'active'", orgId, algorithm).stream().findFirst();
    }

    Optional<ModelVersion> byId(Connection c, String orgId, long id) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM model_versions WHERE org_id = ? AND model_version_id = ?", orgId, id).stream().findFirst();
    }

    private Optional<ModelVersion> byIdAnyOrg(Connection c, long id) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM model_versions WHERE model_version_id = ?", id).stream().findFirst();
    }

    private OrgModelPolicy policyIn(Connection c, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT o.plan_id, p.pinned_model_version_id, coalesce(p.frozen, false) "
                + "FROM organisations o LEFT JOIN org_model_policy p USING (org_id) WHERE o.org_id = ?")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw StoreException.invalid("there is no org '" + orgId + "'", "Create it first (./tunetrail admin org create)");
                }
                long pinnedId = rs.getLong(2);
                Long pinned = rs.wasNull() ? null : pinnedId;
                return new OrgModelPolicy(orgId, plans.plan(rs.getString(1)).modelPolicy(), pinned, rs.getBoolean(3));
            }
        }
    }

    private static boolean onHold(Connection c, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT frozen FROM organisations WHERE org_id = ?")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void upsertPolicy(Connection tx, String orgId, Long pinnedId, boolean frozen) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO org_model_policy (org_id, pinned_model_version_id, frozen) "
                + "VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET pinned_model_version_id = excluded.pinned_model_version_id, "
                + "frozen = excluded.frozen")) {
            ps.setString(1, orgId);
            if (pinnedId == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, pinnedId);
            }
            ps.setBoolean(3, frozen);
            ps.executeUpdate();
        }
    }

    static List<ModelVersion> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<ModelVersion> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        }
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    private static ModelVersion read(ResultSet rs) throws SQLException {
        Timestamp promoted = rs.getTimestamp("promoted_at");
        return new ModelVersion(rs.getLong("model_version_id"), rs.getString("org_id"), rs.getString("algorithm"),
                VersionNumber.parse(rs.getString("version")), map(rs.getString("params")), map(rs.getString("metrics")),
                map(rs.getString("input_snapshot")), ModelVersion.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                rs.getTimestamp("created_at").toInstant(), promoted == null ? null : promoted.toInstant());
    }

    static String json(Map<String, Object> value) {
        try {
            return EventCodec.mapper().writeValueAsString(value == null ? Map.of() : value);
        } catch (JsonProcessingException e) {
            throw StoreException.invalid("a model's params, metrics or input snapshot cannot be written as JSON: " + e.getOriginalMessage(),
                    "Use strings, numbers, booleans, lists and maps only");
        }
    }

    static Map<String, Object> map(String json) {
        try {
            return EventCodec.mapper().readValue(json, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model_versions holds JSON that is not an object: " + json, e);
        }
    }

    private static StoreException notFound(long versionId) {
        return StoreException.notFound("there is no model version " + versionId + " in this org", "List the org's versions and use one of their ids");
    }

    private <T> T run(String action, Database.SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase(action, e);
        }
    }
}
