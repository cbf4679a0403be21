package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.OrgModelPolicy;
import io.tunetrail.store.registry.TrainingParams;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.registry.TrainingRequest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Enterprise model control: custom training requests (the queue) and the org's pin and freeze (the registry). */
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

    public record Policy(String planPolicy, Long pinnedVersionId, boolean frozen) {
        static Policy of(OrgModelPolicy p) {
            return new Policy(p.planPolicy().name().toLowerCase(Locale.ROOT), p.pinnedVersionId(), p.frozen());
        }
    }

    private final ModelRegistry registry;
    private final TrainingQueue queue;
    private final WebhookService webhooks;

    public ModelService(ModelRegistry registry, TrainingQueue queue, WebhookService webhooks) {
        this.registry = registry;
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
        if (!p.keyId().equals(before.requestedByKey()) && !p.has(Scope.ADMIN)) {
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
            registry.version(p.orgId(), r.pinnedVersionId())
                    .orElseThrow(() -> ApiErrors.notFound("model version", Long.toString(r.pinnedVersionId())));
            registry.pin(p.orgId(), r.pinnedVersionId());
        } else if (Boolean.TRUE.equals(r.unpin())) {
            registry.unpin(p.orgId());
        }
        if (r.frozen() != null) {
            registry.freeze(p.orgId(), r.frozen());
        }
        return policy(p);
    }

    public List<Version> versions(Principal p, String algorithm) {
        Check.required("algorithm", algorithm);
        return registry.versions(p.orgId(), algorithm).stream().map(Version::of).toList();
    }
}
