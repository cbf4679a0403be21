package io.tunetrail.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plans (community, free, starter, pro, enterprise) as data, read from {@code config/plans.yaml}.
 *
 * <p>What a plan may do (features), how much (limits per day, month, or absolute), how fast (rate limit) and how its
 * models are chosen (model policy) all come from that file; code never names a plan to decide a limit. The file is
 * validated on load: an unknown feature, policy, job priority, a concurrency below 1 or a duplicate Stripe price fails
 * with the plan and the key named. A plan without {@code priority} or {@code concurrency} gets {@link #DEFAULT_PRIORITY}
 * and {@link #DEFAULT_CONCURRENCY}.
 */
public final class PlanCatalog {
    /** The resource name of the shipped catalog inside the model jar. */
    public static final String RESOURCE = "tunetrail/config/plans.yaml";

    /** How an org's model version is chosen when a new one is trained. */
    public enum ModelPolicy {
        /** Always the newest active version. */
        LATEST,
        /** Newer minor versions of the same major version only. */
        ALLOW_MINOR,
        /** The version the org pinned, until it unpins. */
        PINNED
    }

    /**
     * How urgently an org's background jobs (custom training, batch jobs) are taken from the queue: a worker takes a
     * more urgent job first, whatever was queued before it. {@link #rank()} is what the queue tables store.
     */
    public enum JobPriority {
        LOW(1), STANDARD(2), HIGH(3), CRITICAL(4);

        private final int rank;

        JobPriority(int rank) {
            this.rank = rank;
        }

        /** Higher runs first; stored in the job tables' {@code priority} column (1..4). */
        public int rank() {
            return rank;
        }
    }

    /** The job priority when a plan names none. */
    public static final JobPriority DEFAULT_PRIORITY = JobPriority.STANDARD;
    /** The jobs an org may have running at once when its plan says nothing. */
    public static final int DEFAULT_CONCURRENCY = 1;

    /** A quota; a null field means unlimited. */
    public record Limit(Long perDay, Long perMonth, Long max) {
        public static final Limit UNLIMITED = new Limit(null, null, null);

        public boolean isUnlimited() {
            return perDay == null && perMonth == null && max == null;
        }
    }

    /**
     * Requests per minute and burst per API key, and the ceiling of all the org's keys together ({@code org_*}): the
     * per-key rate alone could be multiplied by minting keys. Null per-key fields mean no rate limit; a plan with a
     * per-key rate and no org ceiling gets the per-key figures as its ceiling (one key's worth for the whole org).
     */
    public record RateLimit(Integer requestsPerMinute, Integer burst, Integer orgRequestsPerMinute, Integer orgBurst) {
        public RateLimit(Integer requestsPerMinute, Integer burst) {
            this(requestsPerMinute, burst, null, null);
        }

        public RateLimit {
            if (requestsPerMinute != null && orgRequestsPerMinute == null) {
                orgRequestsPerMinute = requestsPerMinute;
                orgBurst = burst;
            }
        }

        public boolean isUnlimited() {
            return requestsPerMinute == null;
        }
    }

    /** One plan of the catalog. */
    public record Plan(
            String id,
            String displayName,
            String edition,
            Set<String> features,
            Map<String, Limit> limits,
            RateLimit rateLimit,
            ModelPolicy modelPolicy,
            List<String> stripePriceIds,
            JobPriority priority,
            int concurrency) {

        public boolean hasFeature(String feature) {
            return features.contains(feature);
        }

        /** The limit for a resource; {@link Limit#UNLIMITED} when the catalog does not limit it. */
        public Limit limit(String resource) {
            return limits.getOrDefault(resource, Limit.UNLIMITED);
        }
    }

    private final String upgradeUrl;
    private final String subscriptionEndedPlan;
    private final Map<String, String> featureDescriptions;
    private final Map<String, Plan> plans;
    private final Map<String, Plan> plansByStripePrice;

    private PlanCatalog(String upgradeUrl, String subscriptionEndedPlan, Map<String, String> featureDescriptions,
            Map<String, Plan> plans) {
        this.upgradeUrl = upgradeUrl;
        this.featureDescriptions = Collections.unmodifiableMap(featureDescriptions);
        this.plans = Collections.unmodifiableMap(plans);
        Map<String, Plan> byPrice = new HashMap<>();
        for (Plan plan : plans.values()) {
            for (String price : plan.stripePriceIds()) {
                Plan previous = byPrice.put(price, plan);
                if (previous != null) {
                    throw invalid("Stripe price '" + price + "' is listed by both plan '" + previous.id() + "' and plan '"
                            + plan.id() + "'; a price must map to exactly one plan");
                }
            }
        }
        this.plansByStripePrice = Collections.unmodifiableMap(byPrice);
        Plan ended = plans.get(subscriptionEndedPlan);
        if (ended == null || !"cloud".equals(ended.edition())) {
            throw invalid("subscription_ended_plan '" + subscriptionEndedPlan + "' must name a cloud plan of the catalog, so a "
                    + "cancelled subscription lands on limits of its own");
        }
        this.subscriptionEndedPlan = subscriptionEndedPlan;
    }

    /** The catalog shipped in the model jar (a copy of {@code config/plans.yaml}). */
    public static PlanCatalog load() {
        try (InputStream in = PlanCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath; rebuild tunetrail-model");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** A catalog from a file, e.g. an operator's own copy. */
    public static PlanCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read plan catalog " + file, e);
        }
    }

    static PlanCatalog parse(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        if (root == null || !root.isObject()) {
            throw invalid("the file is empty or not a mapping");
        }
        Map<String, String> features = new LinkedHashMap<>();
        root.path("features").fields().forEachRemaining(e -> features.put(e.getKey(), e.getValue().asText()));
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("plans").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            plans.put(e.getKey(), parsePlan(e.getKey(), e.getValue(), features.keySet()));
        }
        if (plans.isEmpty()) {
            throw invalid("no plans under 'plans:'");
        }
        return new PlanCatalog(root.path("upgrade_url").asText(""), root.path("subscription_ended_plan").asText(""), features, plans);
    }

    private static Plan parsePlan(String id, JsonNode node, Set<String> knownFeatures) {
        Set<String> features = new LinkedHashSet<>();
        for (JsonNode f : node.path("features")) {
            if (!knownFeatures.contains(f.asText())) {
                throw invalid("plan '" + id + "' names feature '" + f.asText() + "', which is not declared under 'features:'");
            }
            features.add(f.asText());
        }
        Map<String, Limit> limits = new LinkedHashMap<>();
        node.path("limits").fields().forEachRemaining(e -> limits.put(e.getKey(), new Limit(
                optionalLong(e.getValue(), "per_day"), optionalLong(e.getValue(), "per_month"), optionalLong(e.getValue(), "max"))));
        JsonNode rate = node.path("rate_limit");
        Long rpm = optionalLong(rate, "requests_per_minute");
        Long burst = optionalLong(rate, "burst");
        Long orgRpm = optionalLong(rate, "org_requests_per_minute");
        Long orgBurst = optionalLong(rate, "org_burst");
        if (orgRpm != null && (rpm == null || orgRpm < rpm)) {
            throw invalid("plan '" + id + "' has org_requests_per_minute " + orgRpm + " without a per-key requests_per_minute at or below it");
        }
        String policy = node.path("model_policy").asText("latest");
        ModelPolicy modelPolicy;
        try {
            modelPolicy = ModelPolicy.valueOf(policy.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("plan '" + id + "' has model_policy '" + policy + "'; use latest, allow_minor or pinned");
        }
        List<String> prices = new ArrayList<>();
        node.path("stripe_price_ids").forEach(p -> prices.add(p.asText()));
        return new Plan(id, node.path("display_name").asText(id), node.path("edition").asText("cloud"),
                Collections.unmodifiableSet(features), Collections.unmodifiableMap(limits),
                new RateLimit(rpm == null ? null : rpm.intValue(), burst == null ? null : burst.intValue(),
                        orgRpm == null ? null : orgRpm.intValue(), orgBurst == null ? null : orgBurst.intValue()),
                modelPolicy, List.copyOf(prices), priority(id, node), concurrency(id, node));
    }

    private static JobPriority priority(String id, JsonNode node) {
        JsonNode v = node.get("priority");
        if (v == null || v.isNull()) {
            return DEFAULT_PRIORITY;
        }
        try {
            return JobPriority.valueOf(v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("plan '" + id + "' has priority '" + v.asText() + "'; use critical, high, standard or low");
        }
    }

    private static int concurrency(String id, JsonNode node) {
        JsonNode v = node.get("concurrency");
        if (v == null || v.isNull()) {
            return DEFAULT_CONCURRENCY;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw invalid("plan '" + id + "' has concurrency '" + v.asText() + "'; use a whole number of jobs from 1");
        }
        return v.asInt();
    }

    private static Long optionalLong(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static IllegalStateException invalid(String why) {
        return new IllegalStateException("Invalid plan catalog: " + why + ". Fix config/plans.yaml and rebuild.");
    }

    /** The plan with this id; fails with the known ids listed when there is none. */
    public Plan plan(String id) {
        Plan plan = plans.get(id);
        if (plan == null) {
            throw new IllegalArgumentException("unknown plan '" + id + "'; known plans: " + String.join(", ", plans.keySet()));
        }
        return plan;
    }

    public Optional<Plan> find(String id) {
        return Optional.ofNullable(plans.get(id));
    }

    /** All plans, in catalog order (cheapest first). */
    public List<Plan> plans() {
        return List.copyOf(plans.values());
    }

    /** The ids of the plans that include a feature, in catalog order; what a 402 lists as required plans. */
    public List<String> plansWith(String feature) {
        return plans.values().stream().filter(p -> p.hasFeature(feature)).map(Plan::id).toList();
    }

    /** The plan a Stripe price buys, for billing webhooks. */
    public Optional<Plan> planForStripePrice(String priceId) {
        return Optional.ofNullable(plansByStripePrice.get(priceId));
    }

    public String featureDescription(String feature) {
        return featureDescriptions.getOrDefault(feature, feature);
    }

    public Set<String> features() {
        return featureDescriptions.keySet();
    }

    /** The cloud plan an org falls back to when its paid subscription ends. */
    public Plan subscriptionEndedPlan() {
        return plans.get(subscriptionEndedPlan);
    }

    public String upgradeUrl() {
        return upgradeUrl;
    }
}
