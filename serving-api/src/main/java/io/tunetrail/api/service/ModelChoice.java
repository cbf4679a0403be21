package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlanCatalog.ModelFamily;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ?model=FAMILY} on the recommendation routes: which model family a list is answered from, within the plan's
 * model ladder ({@code model_families} in config/plans.yaml).
 *
 * <p>The trained families share one lineage, {@code als}: the nightly chain picks one family per org and registers its
 * lists there, naming it in the version's {@code input_snapshot.family} ({@link ModelVersion#family}). So a family is
 * served when it is the one the org's active version holds.
 *
 * <p>Refusals, in this order: a family the catalog does not know (400 naming {@code model}); a family the plan's ladder
 * does not include (402, the plan-upgrade body, before the request is counted: {@link #checkPlan} runs in the access
 * hook); an included family with no active version for the org (409 {@code model_not_trained}); one whose lineage
 * this API cannot read yet (409 {@code model_not_served}); an included family the nightly choice did not pick for the
 * org (409 {@code model_not_chosen}, naming the family served). Without {@code ?model=} the route answers as it always did.
 */
public final class ModelChoice {
    /** The registry lineages whose versions this API reads from the online store (the daily mix and similar tracks). */
    private static final Set<String> SERVED_LINEAGES = Set.of("als");

    /** What a route answers from: the default (trained model, then fallbacks) or the catalog only (content). */
    public enum Source {
        /** No family asked for, or a trained family: the org's active model first, fallbacks after. */
        MODEL,
        /** A family computed from the catalog and audio embeddings at request time: no trained model rows. */
        CONTENT
    }

    private final PlanCatalog plans;
    private final ModelRegistry registry;

    public ModelChoice(PlanCatalog plans, ModelRegistry registry) {
        this.plans = plans;
        this.registry = registry;
    }

    /**
     * The plan part of the check, for the access hook: refuses an unknown family (400) or one outside the plan's
     * ladder (402, naming the plans that include it). {@code route} is "METHOD /path" for the 402's message.
     */
    public static void checkPlan(PlanCatalog plans, PlanCatalog.Plan plan, String requested, String route) {
        if (requested == null) {
            return;
        }
        ModelFamily family = family(plans, requested);
        if (!plan.servesFamily(family.name())) {
            String message = "model=" + family.name() + " on " + route + " asks for the " + family.name() + " model family (" + family.tier()
                    + "), which the " + plan.displayName() + " plan does not include; it is part of "
                    + String.join(", ", plans.plansServing(family.name())) + ".";
            throw ApiErrors.planUpgradeRequired(plan.id(), plans.plansServing(family.name()), plans.upgradeUrl(), family.description(), message);
        }
    }

    /** Where the caller's list comes from; refuses as the class comment says. Null {@code requested}: the default. */
    public Source resolve(Principal p, String requested) {
        if (requested == null) {
            return Source.MODEL;
        }
        checkPlan(plans, p.plan(), requested, "this route");
        ModelFamily family = family(plans, requested);
        if (family.lineage() == null) {
            return Source.CONTENT;
        }
        Optional<ModelVersion> active = registry.active(p.orgId(), family.lineage());
        if (active.isEmpty()) {
            throw notTrained(family);
        }
        if (!SERVED_LINEAGES.contains(family.lineage())) {
            throw ApiErrors.conflict("model_not_served", "Version " + active.get().version() + " of the " + family.name()
                    + " model family is active for your org, but this API does not serve " + family.name()
                    + " lists yet; ask for model=als or model=content, or leave model out");
        }
        String served = active.get().family();
        if (!served.equals(family.name())) {
            throw ApiErrors.conflict("model_not_chosen", "Your org's lists come from the " + served + " model family (version "
                    + active.get().version() + ", as the nightly training chose), not from " + family.name() + "; ask for model="
                    + served + " or model=content, or leave model out");
        }
        return Source.MODEL;
    }

    private static ModelFamily family(PlanCatalog plans, String requested) {
        return plans.modelFamily(requested).orElseThrow(() -> ApiErrors.invalidField(Gate.MODEL_PARAM, "'" + requested
                + "' is not a model family; the families are " + String.join(", ",
                plans.modelFamilies().stream().map(ModelFamily::name).toList())));
    }

    private static ApiException notTrained(ModelFamily family) {
        return ApiErrors.conflict("model_not_trained", "Your plan includes the " + family.name() + " model family, but no "
                + family.name() + " version has been trained and promoted for your org yet"
                + ("als".equals(family.lineage()) ? " (the nightly training makes one once the org has interactions)" : " (no job trains it yet)")
                + "; leave model out to be served by what exists, or ask for model=content");
    }
}
