package io.tunetrail.api.service;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelSwitch;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.OrgModelPolicy;
import io.tunetrail.store.registry.TrainingParams;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.registry.TrainingRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Model control: custom training requests (the queue), the org's pin and freeze (the registry), and rollback. A pin
 * or rollback takes effect in the request's transaction ({@link ModelSwitch}): the next request is served by the new
 * version, and the change is recorded with the key and member that made it.
 */
public final class ModelService {
    private static final Pattern ALGORITHM = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    public record TrainRequest(String algorithm, Map<String, Object> params) {
        public TrainRequest {
            Check.required("algorithm", algorithm);
            if (!ALGORITHM.matcher(algorithm).matches()) {
                throw Check.invalid("algorithm", "'algorithm' must be a lower-case job name such as als or track-similarity");
            }
            TrainingParams.problem(algorithm, params == null ? Map.of() : params).ifPresent(p -> {
                throw Check.invalid(p.field(), p.detail());
            });
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /** PUT /models/policy: pin a version (its id), unpin ({@code "pinned_version_id": null}), and/or set the freeze. */
    public record PolicyRequest(Long pinnedVersionId, Boolean unpin, Boolean frozen) {}

    public record Version(long id, String algorithm, String version, String status, Map<String, Object> metrics, Instant createdAt,
            Instant promotedAt) {
        static Version of(ModelVersion v) {
            return new Version(v.id(), v.algorithm(), v.version().toString(), v.status().name().toLowerCase(Locale.ROOT), v.metrics(),
                    v.createdAt(), v.promotedAt());
        }
    }

    /**
     * POST /models/rollback: back to the previous retained version of {@code algorithm} (default als). {@code fromVersion}
     * (e.g. "1.3") says which version the caller rolls back from; without it, the version active when the request
     * arrived. Either way a rollback that finds another version active changes nothing (409 rollback_conflict).
     */
    public record RollbackRequest(String algorithm, String fromVersion) {
        public RollbackRequest {
            algorithm = algorithm == null ? "als" : algorithm;
            if (!ALGORITHM.matcher(algorithm).matches()) {
                throw Check.invalid("algorithm", "'algorithm' must be a lower-case job name such as als or track-similarity");
            }
            if (fromVersion != null && !fromVersion.matches("\\d{1,9}\\.\\d{1,9}")) {
                throw Check.invalid("from_version", "'from_version' must be a version such as 1.3");
            }
        }
    }

    /** POST /models/pin: the version to pin (it becomes active now and stays until unpinned). */
    public record PinRequest(Long versionId) {
        public PinRequest {
            Check.required("version_id", versionId);
        }
    }

    /** A pin or rollback as made: from and to, who asked and when; {@code onlineRows} false: served by fallbacks until the nightly run. */
    public record Change(long changeId, String action, String algorithm, Version from, Version to, String changedByKey,
            String changedByMember, Instant changedAt, boolean onlineRows) {
        static Change of(ModelSwitch.Change c) {
            return new Change(c.changeId(), c.action(), c.algorithm(), c.from() == null ? null : Version.of(c.from()), Version.of(c.to()),
                    c.actor().keyId(), c.actor().memberId(), c.changedAt(), c.onlineRows());
        }
    }

    public record Policy(String planPolicy, Long pinnedVersionId, boolean frozen) {
        static Policy of(OrgModelPolicy p) {
            return new Policy(p.planPolicy().name().toLowerCase(Locale.ROOT), p.pinnedVersionId(), p.frozen());
        }
    }

    private final ModelRegistry registry;
    private final ModelSwitch modelSwitch;
    private final TrainingQueue queue;
    private final WebhookService webhooks;

    public ModelService(ModelRegistry registry, ModelSwitch modelSwitch, TrainingQueue queue, WebhookService webhooks) {
        this.registry = registry;
        this.modelSwitch = modelSwitch;
        this.queue = queue;
        this.webhooks = webhooks;
    }

    public TrainingRequest train(Principal p, TrainRequest r) {
        TrainingRequest queued = queue.submit(p.orgId(), r.algorithm(), r.params(), p.keyId());
        webhooks.emit(p.orgId(), "training.queued", Map.of("request_id", queued.requestId(), "algorithm", queued.algorithm()));
        return queued;
    }

    public TrainingRequest request(Principal p, String requestId) {
        return queue.get(p.orgId(), Check.id("request_id", requestId)).orElseThrow(() -> ApiErrors.notFound("training request", requestId));
    }

    public List<TrainingRequest> requests(Principal p) {
        return queue.list(p.orgId());
    }

    /**
     * Cancels for the key that queued the request or for an admin: a training run costs the org money and a plain
     * write key of another app or member must not be able to stop it.
     */
    public TrainingRequest cancel(Principal p, String requestId) {
        TrainingRequest before = request(p, requestId);
        // A console member acts without a key (keyId null): only the admin scope lets them stop a key's request.
        boolean requester = p.keyId() != null && p.keyId().equals(before.requestedByKey());
        if (!requester && !p.has(Scope.ADMIN)) {
            throw ApiErrors.notRequester("training request", requestId);
        }
        TrainingRequest after = queue.cancel(p.orgId(), requestId);
        if (before.status() != after.status()) {
            webhooks.emit(p.orgId(), "training.cancelled", Map.of("request_id", requestId));
        }
        return after;
    }

    public Policy policy(Principal p) {
        return Policy.of(registry.policy(p.orgId()));
    }

    public Policy setPolicy(Principal p, PolicyRequest r) {
        if (r.pinnedVersionId() != null && Boolean.TRUE.equals(r.unpin())) {
            throw Check.invalid("unpin", "give pinned_version_id or unpin, not both");
        }
        if (r.pinnedVersionId() == null && r.unpin() == null && r.frozen() == null) {
            throw Check.invalid("pinned_version_id", "give pinned_version_id, unpin: true and/or frozen");
        }
        if (r.pinnedVersionId() != null) {
            pinNow(p, r.pinnedVersionId());
        } else if (Boolean.TRUE.equals(r.unpin())) {
            registry.unpin(p.orgId());
        }
        if (r.frozen() != null) {
            registry.freeze(p.orgId(), r.frozen());
        }
        return policy(p);
    }

    /** Pins a version now: it is active for the next request, and stays until unpinned. */
    public Change pin(Principal p, PinRequest r) {
        return Change.of(pinNow(p, r.versionId()));
    }

    private ModelSwitch.Change pinNow(Principal p, long versionId) {
        registry.version(p.orgId(), versionId).orElseThrow(() -> ApiErrors.notFound("model version", Long.toString(versionId)));
        return modelSwitch.pin(p.orgId(), versionId, actor(p));
    }

    /** Rolls back now; see {@link RollbackRequest} for which version it goes back from. */
    public Change rollback(Principal p, RollbackRequest r) {
        String from = r.fromVersion();
        if (from == null) {
            from = registry.active(p.orgId(), r.algorithm()).map(v -> v.version().toString()).orElseThrow(() -> ApiErrors.conflict(
                    "nothing_to_roll_back", "Your org has no active " + r.algorithm() + " version to roll back from"));
        }
        ModelSwitch.RollbackResult result = modelSwitch.rollback(p.orgId(), r.algorithm(), from, actor(p));
        if (result.moved()) {
            String now = result.activeNow() == null ? "none" : result.activeNow().version().toString();
            throw ApiErrors.conflict("rollback_conflict", "Version " + from + " of " + r.algorithm() + " is no longer active (" + now
                    + " is: another rollback or pin changed it meanwhile), so nothing was rolled back; to go back from " + now
                    + " too, send \"from_version\": \"" + now + "\"");
        }
        return Change.of(result.change());
    }

    /**
     * Records a pin, rollback or canary decision in the org's audit log, inside the switch's own transaction (a {@link ModelSwitch.Recorder}):
     * the entry exists exactly when the change does.
     */
    public static void audit(Connection tx, String orgId, ModelSwitch.Change change) throws SQLException {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("change_id", change.changeId());
        details.put("algorithm", change.algorithm());
        details.put("from_version", change.from() == null ? null : change.from().version().toString());
        details.put("to_version", change.to().version().toString());
        details.putAll(change.details());
        // The scheduled canary decision acts for no key and no member: the platform decided on the figures. A change with
        // a member but no key was made by a member signed in to the web console, recorded as AuditLog.Actor.of records them.
        AuditLog.Actor actor = change.actor().keyId() == null && change.actor().memberId() == null ? AuditLog.Actor.OPERATOR
                : change.actor().keyId() == null ? new AuditLog.Actor("console", null, change.actor().memberId())
                : new AuditLog.Actor("api_key", change.actor().keyId(), change.actor().memberId());
        AuditLog.record(tx, orgId, actor, "model." + switch (change.action()) {
            case "pin" -> "pinned";
            case "canary_promote" -> "canary_promoted";
            case "canary_rollback" -> "canary_rolled_back";
            default -> "rolled_back";
        }, "model_version", Long.toString(change.to().id()), details);
    }

    private static ModelSwitch.Actor actor(Principal p) {
        return new ModelSwitch.Actor(p.keyId(), p.memberId());
    }

    public List<Version> versions(Principal p, String algorithm) {
        Check.required("algorithm", algorithm);
        return registry.versions(p.orgId(), algorithm).stream().map(Version::of).toList();
    }
}
