package io.tunetrail.store.registry;

import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.OnlineStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollback and pin that take effect now: the registry's active version changes, the change is recorded
 * ({@code model_version_changes}: who, when, from, to) and the online store's pointer flips, all in one PostgreSQL
 * transaction. The API reads the pointer on every request and caches no version, so the next request is answered by
 * the new version; the nightly run no longer has to come first.
 *
 * <p>The pointer is flipped before the commit and flipped back when the transaction does not commit, so PostgreSQL and
 * Redis never disagree for longer than the failing statement. Changes of one lineage are serialised by the registry's
 * advisory lock; a rollback that names the version it goes back from ({@code expectedFrom}) changes nothing when another
 * change got there first.
 */
public final class ModelSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwitch.class);

    /** Who asked: the API key and the member it belongs to (null for an org key made by the operator). */
    public record Actor(String keyId, String memberId) {}

    /**
     * A recorded change. {@code onlineRows} says whether the new version still has rows in the online store (a retired
     * version's rows expire with their TTL; the nightly run writes the active version's rows again); false means its
     * readers fall back to popularity until then. {@code details}: what decided it, for the audit log (a canary's
     * figures; empty for a rollback or pin by hand).
     */
    public record Change(long changeId, String action, String algorithm, ModelVersion from, ModelVersion to, Actor actor,
            Instant changedAt, boolean onlineRows, java.util.Map<String, Object> details) {}

    /** A rollback's outcome: the change, or (when {@code change} is null) the version that is active instead of the one expected. */
    public record RollbackResult(Change change, ModelVersion activeNow) {
        public boolean moved() {
            return change == null;
        }
    }

    /**
     * Records a change elsewhere in the same transaction (the API's org audit log), so the record commits or rolls back
     * with the change itself.
     */
    @FunctionalInterface
    public interface Recorder {
        Recorder NONE = (tx, orgId, change) -> { };

        void record(Connection tx, String orgId, Change change) throws SQLException;
    }

    private final DataSource dataSource;
    private final ModelRegistry registry;
    private final OnlineStore online;
    private final Recorder recorder;

    public ModelSwitch(DataSource dataSource, ModelRegistry registry, OnlineStore online) {
        this(dataSource, registry, online, Recorder.NONE);
    }

    public ModelSwitch(DataSource dataSource, ModelRegistry registry, OnlineStore online, Recorder recorder) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.online = online;
        this.recorder = recorder;
    }

    /**
     * Goes back to the org's previous retained version of {@code algorithm} now (see {@link ModelRegistry#rollback}).
     * With {@code expectedFrom} (e.g. {@code 1.3}), only if that version is still active: a second rollback racing the
     * first finds another version active and changes nothing, so two callers never skip two versions unless each asks.
     */
    public RollbackResult rollback(String orgId, String algorithm, String expectedFrom, Actor actor) {
        return change("rolling back " + algorithm, orgId, tx -> {
            ModelRegistry.Switch s = registry.rollbackIn(tx, orgId, algorithm, expectedFrom);
            return s.to() == null ? null : s;
        }, "rollback", actor, java.util.Map.of()).map(c -> new RollbackResult(c, c.to())).orElseGet(() -> new RollbackResult(null,
                registry.active(orgId, algorithm).orElse(null)));
    }

    /** Pins the org's version and makes it active now (see {@link ModelRegistry#pin}). */
    public Change pin(String orgId, long versionId, Actor actor) {
        return change("pinning model version " + versionId, orgId, tx -> registry.pinIn(tx, orgId, versionId), "pin", actor, java.util.Map.of())
                .orElseThrow();
    }

    interface SwitchWork {
        /** The change made in {@code tx}, or null when nothing changed. */
        ModelRegistry.Switch run(Connection tx) throws SQLException;
    }

    /**
     * Runs {@code work} and, when it changed the active version, records the change as {@code kind} and flips the
     * online pointer, all in one transaction (see the class comment); empty when the work changed nothing.
     */
    Optional<Change> change(String action, String orgId, SwitchWork work, String kind, Actor actor, java.util.Map<String, Object> details) {
        AtomicReference<Runnable> undo = new AtomicReference<>();
        try (Connection c = dataSource.getConnection()) {
            return Optional.ofNullable(Database.inTransaction(c, tx -> {
                ModelRegistry.Switch s = work.run(tx);
                if (s == null) {
                    return null;
                }
                long id;
                Instant at;
                try (PreparedStatement ps = tx.prepareStatement("INSERT INTO model_version_changes (org_id, algorithm, action, "
                        + "from_version_id, to_version_id, actor_key_id, actor_member_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        + "RETURNING change_id, changed_at")) {
                    ps.setString(1, orgId);
                    ps.setString(2, s.to().algorithm());
                    ps.setString(3, kind);
                    if (s.from() == null) {
                        ps.setNull(4, Types.BIGINT);
                    } else {
                        ps.setLong(4, s.from().id());
                    }
                    ps.setLong(5, s.to().id());
                    ps.setString(6, actor.keyId());
                    ps.setString(7, actor.memberId());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                        at = rs.getTimestamp(2).toInstant();
                    }
                }
                boolean rows = flip(orgId, s, undo);
                Change change = new Change(id, kind, s.to().algorithm(), s.from(), s.to(), actor, at, rows, details);
                recorder.record(tx, orgId, change);
                return change;
            }));
        } catch (SQLException | RuntimeException e) {
            Runnable restore = undo.get();
            if (restore != null) {
                restore.run();
            }
            if (e instanceof SQLException sql) {
                throw StoreException.rejectedByDatabase(action, sql);
            }
            throw (RuntimeException) e;
        }
    }

    /** Points the lineage's online view at the new version; leaves in {@code undo} how to point it back. */
    private boolean flip(String orgId, ModelRegistry.Switch s, AtomicReference<Runnable> undo) {
        Optional<FeatureView> view = FeatureViews.servingView(s.to().algorithm());
        if (view.isEmpty()) {
            return true; // read from PostgreSQL only: the registry's active version is the pointer
        }
        String label = s.to().label();
        Optional<String> previous = online.activateVersion(orgId, view.get(), label);
        String back = previous.orElse(s.from() == null ? null : s.from().label());
        undo.set(() -> {
            if (back == null) {
                LOG.warn("org {}: {} points at {} though the change was not committed, and there is no earlier pointer to restore; "
                        + "the nightly materialise sets it again", orgId, view.get().name(), label);
                return;
            }
            try {
                online.activateVersion(orgId, view.get(), back);
            } catch (RuntimeException e) {
                LOG.error("org {}: could not point {} back at {} after a failed change ({}); the nightly materialise sets it again",
                        orgId, view.get().name(), back, e.getMessage());
            }
        });
        return online.hasVersionRows(orgId, view.get(), label);
    }
}
