package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.store.registry.ModelCanaries;
import io.tunetrail.store.registry.ModelSwitch;
import io.tunetrail.store.registry.ModelVersion;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The org's model canary ({@link ModelCanaries}): its state and figures so far, and an owner's approval (promote now) or
 * abort (roll back now). Both are decisions like the scheduled one: recorded with the figures in
 * {@code model_version_changes} and the audit log.
 */
public final class CanaryService {
    private static final Pattern ALGORITHM = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    /**
     * POST /models/canary/approve|abort: the lineage ({@code algorithm}, default als) and, optionally, the canary the
     * owner looked at ({@code canary_id}): when another canary runs by now, nothing is decided (409).
     */
    public record DecisionRequest(String algorithm, Long canaryId) {
        public DecisionRequest {
            algorithm = lineage(algorithm);
        }
    }

    public record VersionRef(long id, String version, String status) {
        static VersionRef of(ModelVersion v) {
            return new VersionRef(v.id(), v.version().toString(), v.status().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * A canary: its arms, share and period, its state, and the figures (live while it runs: each arm's feedback since it
     * started, positive rate and the regression; once decided, the figures that decided).
     */
    public record Canary(long canaryId, String algorithm, String state, VersionRef candidate, VersionRef active, int sharePercent,
            double maxRegressionPercent, Instant startedAt, Instant endsAt, boolean extended, Map<String, Object> figures,
            Instant decidedAt, String decidedBy) {}

    /** An approval or abort as made: the canary afterwards, and what the decision said. */
    public record Decided(Canary canary, String result, String reason, Long changeId) {}

    private final ModelCanaries canaries;

    public CanaryService(ModelCanaries canaries) {
        this.canaries = canaries;
    }

    public Canary get(Principal p, String algorithm) {
        String lineage = lineage(algorithm);
        return view(canaries.latest(p.orgId(), lineage).orElseThrow(() -> ApiErrors.notFoundDetail("your org has had no canary of "
                + lineage + " (canaries run on plans with canary: in their model policy)")));
    }

    public Decided approve(Principal p, DecisionRequest r) {
        return decide(p, r, ModelCanaries.Verdict.APPROVE);
    }

    public Decided abort(Principal p, DecisionRequest r) {
        return decide(p, r, ModelCanaries.Verdict.ABORT);
    }

    private Decided decide(Principal p, DecisionRequest r, ModelCanaries.Verdict verdict) {
        if (r.canaryId() != null) {
            canaries.byId(p.orgId(), r.canaryId()).orElseThrow(() -> ApiErrors.notFound("canary", Long.toString(r.canaryId())));
        }
        ModelCanaries.Canary running = canaries.latest(p.orgId(), r.algorithm())
                .filter(c -> c.state() == ModelCanaries.State.RUNNING)
                .filter(c -> r.canaryId() == null || c.canaryId() == r.canaryId())
                .orElseThrow(() -> ApiErrors.conflict("no_canary_running", "No canary of " + r.algorithm() + (r.canaryId() == null ? ""
                        : " with id " + r.canaryId()) + " is running in your org, so there is nothing to "
                        + (verdict == ModelCanaries.Verdict.APPROVE ? "approve" : "abort") + "; GET /api/v1/models/canary shows the latest"));
        ModelCanaries.Decision d = canaries.decide(running, verdict, new ModelSwitch.Actor(p.keyId(), p.memberId()),
                p.keyId() == null ? "member:" + p.memberId() : p.keyId());
        if (d.result().equals("already_decided")) {
            throw ApiErrors.conflict("no_canary_running", "The canary " + running.canaryId() + " was decided meanwhile ("
                    + d.canary().state().sql() + "); nothing was changed");
        }
        return new Decided(view(d.canary()), d.result(), d.reason(), d.change() == null ? null : d.change().changeId());
    }

    private Canary view(ModelCanaries.Canary c) {
        Map<String, Object> figures = c.figures();
        if (c.state() == ModelCanaries.State.RUNNING) {
            ModelCanaries.Outcome o = canaries.outcome(c);
            figures = new LinkedHashMap<>();
            figures.put("candidate", o.candidate());
            figures.put("active", o.active());
            figures.put("regression_percent", o.regressionPercent());
            figures.put("enough_feedback", o.enoughFeedback());
        }
        return new Canary(c.canaryId(), c.algorithm(), c.state().sql(), VersionRef.of(c.candidate()), VersionRef.of(c.active()),
                c.sharePercent(), c.maxRegressionPercent(), c.startedAt(), c.endsAt(), c.extended(), figures, c.decidedAt(), c.decidedBy());
    }

    private static String lineage(String algorithm) {
        String a = algorithm == null ? "als" : algorithm;
        if (!ALGORITHM.matcher(a).matches()) {
            throw Check.invalid("algorithm", "'algorithm' must be a lower-case job name such as als");
        }
        return a;
    }
}
