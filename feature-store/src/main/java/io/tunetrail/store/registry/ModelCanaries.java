package io.tunetrail.store.registry;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.CanarySplit;
import io.tunetrail.store.online.Entity;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.FeedbackRate;
import io.tunetrail.store.online.OnlineStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Canaries ({@code model_canaries}, V90): on a plan with {@code canary:} (config/plans.yaml) a new version of a lineage
 * served per listener does not replace the active one at once. It serves {@code share_percent} of the listeners
 * ({@link CanarySplit}, applied by the online store's read script, so the API pays no extra round trip) for
 * {@code period_hours}; then {@link #decideDue} promotes it when its outcome ({@link FeedbackRate} of the feedback its
 * recommendations received) is not worse than the active version's by more than {@code max_regression_percent}, and
 * rolls it back otherwise. An owner may approve (promote now) or abort (roll back now) it.
 *
 * <p>Too little feedback by the end (fewer than {@code minJudged} judgements in either arm): the period is extended once;
 * still too little at the end of the extension, the canary is rolled back, keeping the version known to serve well.
 *
 * <p>A decision is one {@link ModelSwitch} change ({@code canary_promote}, {@code canary_rollback}): the registry's
 * active version, the canary's row with the figures that decided, {@code model_version_changes}, the audit log (the
 * switch's recorder) and the online pointer move together. Two decisions racing (the scheduled one and an owner's)
 * serialise on the canary's row; the second finds it decided and changes nothing.
 */
public final class ModelCanaries {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCanaries.class);
    /**
     * The judgements (likes, playlist adds, dislikes, skips) each arm needs by the end of the period for a decision on
     * the figures: at a 10 % share this is about 1,000 judged recommendations in all, enough that a 5 % regression is
     * not mostly noise, and small enough for a modest org to reach in 48 hours. The API's deciders take
     * {@code api.canary.min-judgements}, whose default this is.
     */
    public static final long MIN_JUDGED = Long.parseLong(io.tunetrail.model.PlatformConfig.API_CANARY_MIN_JUDGEMENTS.defaultValue());
    /** {@code decided_by} of the scheduled decision. */
    public static final String DECIDER = "decider";

    public enum State {
        RUNNING, PROMOTED, ROLLED_BACK, ABORTED, APPROVED;

        public String sql() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a decision asks for: the scheduled verdict on the figures, or an owner's approval or abort. */
    public enum Verdict { ON_FIGURES, APPROVE, ABORT }

    /** One canary as stored. {@code baseline}: the active version's feedback counts when it started serving. */
    public record Canary(long canaryId, String orgId, String algorithm, ModelVersion candidate, ModelVersion active, int sharePercent,
            double maxRegressionPercent, int periodHours, Instant startedAt, Instant endsAt, boolean extended, Map<String, Long> baseline,
            State state, Instant decidedAt, Map<String, Object> figures, String decidedBy) {}

    /** One arm's feedback since the canary started, and its positive rate (null before any judgement). */
    public record Arm(String version, Map<String, Long> feedback, long positive, long negative, Double positiveRate) {
        static Arm of(String version, Map<String, Long> feedback) {
            FeedbackRate r = FeedbackRate.of(feedback);
            return new Arm(version, feedback, r.positive(), r.negative(), r.rate());
        }

        long judged() {
            return positive + negative;
        }
    }

    /**
     * The arms' figures. {@code regressionPercent}: how much lower the candidate's positive rate is than the active
     * version's, in percent of the latter (negative when better); null until both arms have judgements.
     */
    public record Outcome(Arm candidate, Arm active, Double regressionPercent, boolean enoughFeedback) {}

    /**
     * What a decision did: {@code promoted}, {@code rolled_back}, {@code approved}, {@code aborted}, {@code extended},
     * {@code postponed} (a freeze, hold or pin keeps the candidate from promotion; the canary keeps running),
     * {@code not_due}, or {@code already_decided} (another decision came first).
     */
    public record Decision(String result, Canary canary, Outcome outcome, String reason, ModelSwitch.Change change) {}

    private final DataSource dataSource;
    private final ModelRegistry registry;
    private final ModelSwitch modelSwitch;
    private final OnlineStore online;
    private final Clock clock;
    private final long minJudged;

    /** {@code minJudged}: the judgements each arm needs by the end of the period for a decision on the figures. */
    public ModelCanaries(DataSource dataSource, ModelRegistry registry, ModelSwitch modelSwitch, OnlineStore online, Clock clock,
            long minJudged) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.modelSwitch = modelSwitch;
        this.online = online;
        this.clock = clock;
        this.minJudged = Math.max(1, minJudged);
    }

    /**
     * The nightly chain's promotion: {@link ModelRegistry#promote}, except that on a plan with a canary the candidate
     * starts one (and serves its share from now) instead of becoming active. Freeze, hold, pin and plan policy come
     * first, as for any promotion: a frozen or pinned org starts no canary. Only lineages served per listener get one
     * (a canary splits listeners; the others are promoted as before). While a canary runs in the lineage, a newer
     * candidate waits, and the newest one waiting is promoted when the canary is decided ({@link #promoteNewestWaiting}). Run again for the same candidate, it finds its canary and serves it again.
     */
    public Promotion promoteOrStart(long candidateId) {
        Promotion p = registry.promote(candidateId, (tx, candidate, active, plan) -> start(tx, candidate, active, plan));
        if (p.canaryId() != null) {
            serve(p.candidate().orgId(), p.canaryId());
        }
        return p;
    }

    /** The org's running canary of {@code algorithm}, or else its latest one. */
    public Optional<Canary> latest(String orgId, String algorithm) {
        return run("reading the canary", c -> select(c, "WHERE org_id = ? AND algorithm = ? ORDER BY (state = 'running') DESC, "
                + "canary_id DESC LIMIT 1", orgId, algorithm).stream().findFirst());
    }

    /** One of the org's canaries; empty for an unknown id or another org's. */
    public Optional<Canary> byId(String orgId, long canaryId) {
        return run("reading the canary", c -> select(c, "WHERE org_id = ? AND canary_id = ?", orgId, canaryId).stream().findFirst());
    }

    /** Every running canary, by org and id (the nightly marts snapshot their arms). */
    public List<Canary> running() {
        return run("listing running canaries", c -> select(c, "WHERE state = 'running' ORDER BY org_id, canary_id"));
    }

    /** The figures so far: each arm's feedback since the canary started serving, and the regression. */
    public Outcome outcome(Canary canary) {
        Arm candidate = Arm.of(canary.candidate().label(), online.feedback(canary.orgId(), canary.candidate().label()));
        Map<String, Long> since = new LinkedHashMap<>();
        Map<String, Long> baseline = canary.baseline() == null ? Map.of() : canary.baseline();
        online.feedback(canary.orgId(), canary.active().label()).forEach((type, n) -> since.put(type, Math.max(0, n - baseline.getOrDefault(type, 0L))));
        Arm active = Arm.of(canary.active().label(), since);
        Double regression = null;
        if (candidate.positiveRate() != null && active.positiveRate() != null) {
            // A zero rate cannot be undercut: the candidate is then no worse, whatever its own rate.
            regression = active.positiveRate() == 0 ? 0.0 : (active.positiveRate() - candidate.positiveRate()) / active.positiveRate() * 100;
        }
        return new Outcome(candidate, active, regression, candidate.judged() >= minJudged && active.judged() >= minJudged);
    }

    /** Decides every running canary whose period is over; returns the decisions (a failing one is logged and skipped). */
    public List<Decision> decideDue() {
        List<Canary> due = run("listing due canaries", c -> select(c, "WHERE state = 'running' AND ends_at <= ? ORDER BY ends_at",
                Timestamp.from(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS))));
        List<Decision> decisions = new ArrayList<>();
        for (Canary canary : due) {
            try {
                decisions.add(decide(canary, Verdict.ON_FIGURES, new ModelSwitch.Actor(null, null), DECIDER));
            } catch (RuntimeException e) {
                LOG.error("org {}: the canary {} of {} could not be decided: {}", canary.orgId(), canary.canaryId(), canary.algorithm(),
                        e.getMessage());
            }
        }
        return decisions;
    }

    /**
     * Decides {@code canary} now: on its figures once its period is over ({@link Verdict#ON_FIGURES}), or as an owner
     * asks. {@code decidedBy} is stored with the decision ({@link #DECIDER} or the API key).
     */
    public Decision decide(Canary canary, Verdict verdict, ModelSwitch.Actor actor, String decidedBy) {
        Outcome outcome = outcome(canary);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        boolean promote;
        String reason;
        State state;
        switch (verdict) {
            case APPROVE -> {
                promote = true;
                state = State.APPROVED;
                reason = "approved by an owner";
            }
            case ABORT -> {
                promote = false;
                state = State.ABORTED;
                reason = "aborted by an owner";
            }
            default -> {
                if (now.isBefore(canary.endsAt())) {
                    return new Decision("not_due", canary, outcome, "the period ends at " + canary.endsAt(), null);
                }
                if (!outcome.enoughFeedback() && !canary.extended()) {
                    return extend(canary, outcome);
                }
                if (!outcome.enoughFeedback()) {
                    promote = false;
                    reason = "too little feedback after an extended period (each arm needs " + minJudged
                            + " likes, dislikes, skips or playlist adds): the active version stays";
                } else {
                    promote = outcome.regressionPercent() <= canary.maxRegressionPercent();
                    reason = String.format(Locale.ROOT, "the candidate's positive rate is %.2f %% %s the active version's (threshold %.2f %%)",
                            Math.abs(outcome.regressionPercent()), outcome.regressionPercent() > 0 ? "below" : "at or above",
                            canary.maxRegressionPercent());
                }
                state = promote ? State.PROMOTED : State.ROLLED_BACK;
            }
        }
        Map<String, Object> figures = figures(canary, outcome, reason, verdict);
        AtomicReference<String> refused = new AtomicReference<>();
        Optional<ModelSwitch.Change> change = modelSwitch.change("deciding the canary of " + canary.algorithm(), canary.orgId(), tx -> {
            ModelRegistry.lockLineage(tx, canary.orgId(), canary.algorithm());
            if (!stillRunning(tx, canary)) {
                return null;
            }
            ModelVersion active = registry.activeIn(tx, canary.orgId(), canary.algorithm()).orElse(null);
            ModelVersion candidate = registry.byId(tx, canary.orgId(), canary.candidate().id()).orElseThrow();
            if (promote) {
                String refusal = PlatformModelFreeze.frozenIn(tx) ? PlatformModelFreeze.REFUSAL : registry.refusal(tx, candidate, active);
                if (refusal != null) {
                    refused.set(refusal);
                    return null;
                }
            }
            ModelRegistry.update(tx, "UPDATE model_canaries SET state = ?, decided_at = ?, figures = ?::jsonb, decided_by = ? "
                    + "WHERE org_id = ? AND canary_id = ?", state.sql(), Timestamp.from(now), ModelRegistry.json(figures), decidedBy,
                    canary.orgId(), canary.canaryId());
            ModelRegistry.Switch s;
            if (promote) {
                s = new ModelRegistry.Switch(active, registry.makeActive(tx, candidate, active));
            } else {
                ModelRegistry.update(tx, "UPDATE model_versions SET status = 'retired' WHERE model_version_id = ? AND status = 'candidate'",
                        candidate.id());
                // The listeners in the share go back to the version everyone else has: recorded as a change from the candidate.
                s = new ModelRegistry.Switch(candidate, active != null ? active : canary.active());
            }
            // Inside the transaction: a decision that did not commit leaves the canary serving, to be decided again.
            online.setCanary(canary.orgId(), servingView(canary.algorithm()), null);
            return s;
        }, promote ? "canary_promote" : "canary_rollback", actor, figures);
        Canary after = byId(canary.orgId(), canary.canaryId()).orElseThrow();
        if (refused.get() != null) {
            if (verdict == Verdict.APPROVE) {
                throw StoreException.conflict("the candidate cannot be promoted now: " + refused.get(),
                        "Wait until the freeze, hold or pin is lifted, or abort the canary");
            }
            return new Decision("postponed", after, outcome, refused.get() + "; the canary keeps running", null);
        }
        if (change.isEmpty()) {
            return new Decision("already_decided", after, outcome, "another decision came first: " + after.state().sql(), null);
        }
        promoteNewestWaiting(after);
        return new Decision(state.sql(), after, outcome, reason, change.get());
    }

    /**
     * The newest candidate that waited behind the canary just decided (registered after its candidate) gets the
     * promotion the nightly chain gave it no chance of: {@link #promoteOrStart}, so on this plan it starts the next
     * canary against the version now active (or is refused by a freeze, hold or pin like any promotion). Only while
     * its rows are still in the online store: rows that expired while it waited would leave its share served the
     * active version's, so it is left to the next nightly run, whose version supersedes it. Older waiting candidates
     * stay candidates, superseded. A failure here is logged: the decision stands, and the next run promotes anyway.
     */
    private void promoteNewestWaiting(Canary decided) {
        Optional<ModelVersion> waiting = registry.versions(decided.orgId(), decided.algorithm()).stream()
                .filter(v -> v.status() == ModelVersion.Status.CANDIDATE && v.id() > decided.candidate().id()).findFirst();
        if (waiting.isEmpty()) {
            return;
        }
        ModelVersion next = waiting.get();
        try {
            if (!online.hasVersionRows(decided.orgId(), servingView(decided.algorithm()), next.label())) {
                LOG.info("org {}: {} {} waited behind canary {} and has no rows left; the next nightly run's version replaces it",
                        decided.orgId(), decided.algorithm(), next.label(), decided.canaryId());
                return;
            }
            Promotion p = promoteOrStart(next.id());
            LOG.info("org {}: {} {} waited behind canary {}: {}", decided.orgId(), decided.algorithm(), next.label(), decided.canaryId(),
                    p.reason());
        } catch (RuntimeException e) {
            LOG.error("org {}: {} {} waited behind canary {} and could not be promoted: {}", decided.orgId(), decided.algorithm(),
                    next.label(), decided.canaryId(), e.getMessage());
        }
    }

    private Decision extend(Canary canary, Outcome outcome) {
        Instant endsAt = canary.endsAt().plus(Duration.ofHours(canary.periodHours()));
        int updated = run("extending the canary", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE model_canaries SET ends_at = ?, extended = true "
                    + "WHERE org_id = ? AND canary_id = ? AND state = 'running' AND NOT extended")) {
                ps.setTimestamp(1, Timestamp.from(endsAt));
                ps.setString(2, canary.orgId());
                ps.setLong(3, canary.canaryId());
                return ps.executeUpdate();
            }
        });
        Canary after = byId(canary.orgId(), canary.canaryId()).orElseThrow();
        if (updated == 1) {
            keepArmsServed(after);
        }
        return updated == 0 ? new Decision("already_decided", after, outcome, "another decision came first", null)
                : new Decision("extended", after, outcome, "too little feedback (each arm needs " + minJudged
                        + " judgements): the period was extended once, to " + endsAt, null);
    }

    private static Map<String, Object> figures(Canary canary, Outcome o, String reason, Verdict verdict) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("canary_id", canary.canaryId());
        f.put("candidate", arm(o.candidate()));
        f.put("active", arm(o.active()));
        f.put("regression_percent", o.regressionPercent());
        f.put("max_regression_percent", canary.maxRegressionPercent());
        f.put("enough_feedback", o.enoughFeedback());
        f.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        f.put("reason", reason);
        return f;
    }

    private static Map<String, Object> arm(Arm a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", a.version());
        m.put("feedback", a.feedback());
        m.put("positive_rate", a.positiveRate());
        return m;
    }

    // --- start -----------------------------------------------------------------------------------------------

    /** The canary the candidate is tried in (started now, or the one already running for it), in the promotion's transaction. */
    private Promotion start(Connection tx, ModelVersion candidate, ModelVersion active, PlanCatalog.Canary plan) throws SQLException {
        Optional<FeatureView> view = FeatureViews.servingView(candidate.algorithm()).filter(v -> v.entity() == Entity.USER);
        if (view.isEmpty()) {
            return new Promotion(true, candidate, registry.makeActive(tx, candidate, active), "promoted");
        }
        Optional<Canary> running = select(tx, "WHERE org_id = ? AND algorithm = ? AND state = 'running'", candidate.orgId(),
                candidate.algorithm()).stream().findFirst();
        if (running.isPresent()) {
            Canary r = running.get();
            return r.candidate().id() == candidate.id()
                    ? new Promotion(false, candidate, active, "in canary " + r.canaryId() + " until " + r.endsAt(), r.canaryId())
                    : new Promotion(false, candidate, active, "the canary of " + r.candidate().version() + " runs until " + r.endsAt()
                            + "; this version waits: once that is decided, the newest waiting version is promoted or starts the next canary");
        }
        // PostgreSQL keeps microseconds: the period's end compares with the clock as stored.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        long id;
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO model_canaries (org_id, algorithm, candidate_version_id, "
                + "active_version_id, share_percent, max_regression_percent, period_hours, started_at, ends_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING canary_id")) {
            ps.setString(1, candidate.orgId());
            ps.setString(2, candidate.algorithm());
            ps.setLong(3, candidate.id());
            ps.setLong(4, active.id());
            ps.setInt(5, plan.sharePercent());
            ps.setDouble(6, plan.maxRegressionPercent());
            ps.setInt(7, plan.periodHours());
            ps.setTimestamp(8, Timestamp.from(now));
            ps.setTimestamp(9, Timestamp.from(now.plus(Duration.ofHours(plan.periodHours()))));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        return new Promotion(false, candidate, active, "canary " + id + " started: " + plan.sharePercent() + " % of listeners for "
                + plan.periodHours() + " h", id);
    }

    /**
     * Takes the active arm's feedback baseline (first time only) and points the online store's canary key at the
     * candidate: from the next read on, the share is served the candidate.
     */
    private void serve(String orgId, long canaryId) {
        Canary c = byId(orgId, canaryId).orElseThrow();
        if (c.state() != State.RUNNING) {
            return;
        }
        if (c.baseline() == null) {
            String baseline = ModelRegistry.json(new LinkedHashMap<>(online.feedback(orgId, c.active().label())));
            run("recording the canary's baseline", conn -> {
                ModelRegistry.update(conn, "UPDATE model_canaries SET baseline = ?::jsonb WHERE org_id = ? AND canary_id = ? AND baseline IS NULL",
                        baseline, orgId, canaryId);
                return null;
            });
        }
        keepArmsServed(c);
        online.setCanary(orgId, servingView(c.algorithm()), CanarySplit.of(orgId, canaryId, c.candidate().label(), c.sharePercent()));
    }

    /**
     * Keeps both arms' rows until the view's TTL after the canary's end: while it runs no newer version is activated (a
     * newer candidate waits), so no nightly run writes the arms again, and an extended period (2 x period_hours) outlives
     * rows written once. Without this the candidate's share would be served the active version's rows, unseen, and
     * once those expire too, nothing. A candidate with no rows left at all is logged: its arm cannot be judged.
     */
    private void keepArmsServed(Canary c) {
        FeatureView view = servingView(c.algorithm());
        Duration ttl = Duration.between(clock.instant(), c.endsAt()).plus(view.ttl());
        if (ttl.toMillis() <= 0) {
            return; // a negative TTL would delete the rows
        }
        if (online.keepVersionRows(c.orgId(), view, c.candidate().label(), ttl) == 0) {
            LOG.warn("org {}: the canary {} of {} has no rows of its candidate {} left: its share is served the active version",
                    c.orgId(), c.canaryId(), c.algorithm(), c.candidate().label());
        }
        online.keepVersionRows(c.orgId(), view, c.active().label(), ttl);
    }

    private static FeatureView servingView(String algorithm) {
        return FeatureViews.servingView(algorithm).orElseThrow(() -> new IllegalStateException("a canary of " + algorithm
                + ", which no listener-keyed view serves"));
    }

    // --- SQL -------------------------------------------------------------------------------------------------

    private static boolean stillRunning(Connection tx, Canary canary) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT state FROM model_canaries WHERE org_id = ? AND canary_id = ? FOR UPDATE")) {
            ps.setString(1, canary.orgId());
            ps.setLong(2, canary.canaryId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && State.RUNNING.sql().equals(rs.getString(1));
            }
        }
    }

    private List<Canary> select(Connection c, String where, Object... args) throws SQLException {
        List<Canary> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT canary_id, org_id, algorithm, candidate_version_id, active_version_id, "
                + "share_percent, max_regression_percent, period_hours, started_at, ends_at, extended, baseline::text, state, decided_at, "
                + "figures::text, decided_by FROM model_canaries " + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String org = rs.getString("org_id");
                    String baseline = rs.getString("baseline");
                    String figures = rs.getString("figures");
                    Map<String, Long> counts = null;
                    if (baseline != null) {
                        counts = new LinkedHashMap<>();
                        for (Map.Entry<String, Object> e : ModelRegistry.map(baseline).entrySet()) {
                            counts.put(e.getKey(), ((Number) e.getValue()).longValue());
                        }
                    }
                    Timestamp decided = rs.getTimestamp("decided_at");
                    out.add(new Canary(rs.getLong("canary_id"), org, rs.getString("algorithm"),
                            registry.byId(c, org, rs.getLong("candidate_version_id")).orElseThrow(),
                            registry.byId(c, org, rs.getLong("active_version_id")).orElseThrow(), rs.getInt("share_percent"),
                            rs.getDouble("max_regression_percent"), rs.getInt("period_hours"), rs.getTimestamp("started_at").toInstant(),
                            rs.getTimestamp("ends_at").toInstant(), rs.getBoolean("extended"), counts,
                            State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)), decided == null ? null : decided.toInstant(),
                            figures == null ? null : ModelRegistry.map(figures), rs.getString("decided_by")));
                }
            }
        }
        return out;
    }

    private <T> T run(String action, Database.SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase(action, e);
        }
    }
}
