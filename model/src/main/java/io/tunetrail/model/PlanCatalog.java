package io.tunetrail.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plans (community, free, starter, pro, enterprise) as data, read from {@code config/plans.yaml}.
 *
 * <p>What a plan may do (features), how much (limits per day, month, or absolute), how fast (rate limit) and how its
 * models are chosen (model policy) all come from that file; code never names a plan to decide a limit. The file is
 * validated on load ({@link PlanCatalogReader}): an unknown key, an undeclared feature or model family, a bad value or a
 * duplicate Stripe price fails with one line naming the key's path. A plan without {@code priority},
 * {@code concurrency} or {@code alerts} gets {@link #DEFAULT_PRIORITY}, {@link #DEFAULT_CONCURRENCY} and
 * {@link #DEFAULT_ALERT_THRESHOLDS}.
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
     * {@code requestsPerSecond} (null: none) caps one key within any second, below its burst: the per-minute bucket
     * alone lets a key spend the whole burst at once.
     */
    public record RateLimit(Integer requestsPerMinute, Integer burst, Integer orgRequestsPerMinute, Integer orgBurst,
            Integer requestsPerSecond) {
        public RateLimit(Integer requestsPerMinute, Integer burst) {
            this(requestsPerMinute, burst, null, null, null);
        }

        public RateLimit(Integer requestsPerMinute, Integer burst, Integer orgRequestsPerMinute, Integer orgBurst) {
            this(requestsPerMinute, burst, orgRequestsPerMinute, orgBurst, null);
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

    /** The alert thresholds (percent of a quota or cost cap) of a plan that names none. */
    public static final List<Integer> DEFAULT_ALERT_THRESHOLDS = List.of(50, 80, 100);

    /**
     * A model family of the ladder ({@code model_families:} at the top of the file).
     *
     * @param tier    content-based, collaborative, neural or custom: the rung of the ladder
     * @param lineage the model registry's algorithm its versions are registered under; null for a family computed at
     *                request time (content), which therefore always has something to serve
     */
    public record ModelFamily(String name, String tier, String lineage, String description) {}

    /**
     * How a new model version is tried on a share of listeners before it replaces the active one (the registry's
     * {@code ModelCanaries} runs it). Declared for the plan that gets one.
     */
    public record Canary(int sharePercent, int periodHours, double maxRegressionPercent) {}

    /** The month's cost cap: null {@code monthlyUsd} means none; {@code hardStop} refuses costly work at the cap. */
    public record CostCaps(Double monthlyUsd, boolean hardStop) {
        public static final CostCaps NONE = new CostCaps(null, false);
    }

    /**
     * One plan of the catalog. {@code monthlyPriceUsd}: the list price of a month, null when the plan is not sold.
     * {@code stripeMeteredPrices}: per usage-ledger resource, the Stripe metered price its subscription carries (the
     * resources the billing meter sync reports); empty when the plan bills no usage.
     */
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
            int concurrency,
            List<String> modelFamilies,
            Canary canary,
            CostCaps costCaps,
            List<Integer> alertThresholds,
            Double monthlyPriceUsd,
            Map<String, String> stripeMeteredPrices) {

        public boolean hasFeature(String feature) {
            return features.contains(feature);
        }

        /** Whether the plan's model ladder includes the family ({@code ?model=FAMILY} on recommendation routes). */
        public boolean servesFamily(String family) {
            return modelFamilies.contains(family);
        }

        /** The limit for a resource; {@link Limit#UNLIMITED} when the catalog does not limit it. */
        public Limit limit(String resource) {
            return limits.getOrDefault(resource, Limit.UNLIMITED);
        }
    }

    private final String upgradeUrl;
    private final String subscriptionEndedPlan;
    private final Map<String, String> featureDescriptions;
    private final Map<String, ModelFamily> families;
    private final Map<String, Plan> plans;
    private final Map<String, Plan> plansByStripePrice;
    private final Set<String> meteredPrices;

    private PlanCatalog(String upgradeUrl, String subscriptionEndedPlan, Map<String, String> featureDescriptions,
            Map<String, ModelFamily> families, Map<String, Plan> plans) {
        this.upgradeUrl = upgradeUrl;
        this.featureDescriptions = Collections.unmodifiableMap(featureDescriptions);
        this.families = Collections.unmodifiableMap(families);
        this.plans = Collections.unmodifiableMap(plans);
        Map<String, Plan> byPrice = new HashMap<>();
        for (Plan plan : plans.values()) {
            for (String price : plan.stripePriceIds()) {
                Plan previous = byPrice.put(price, plan);
                if (previous != null) {
                    throw PlanCatalogReader.invalid("plans." + plan.id() + ".stripe_price_ids", "price '" + price
                            + "' is listed by plan '" + previous.id() + "' too; a price must map to exactly one plan");
                }
            }
        }
        Set<String> metered = new java.util.HashSet<>();
        for (Plan plan : plans.values()) {
            for (Map.Entry<String, String> m : plan.stripeMeteredPrices().entrySet()) {
                // A metered price never buys a plan: the webhooks pick the plan from the subscription's flat price.
                if (byPrice.containsKey(m.getValue())) {
                    throw PlanCatalogReader.invalid("plans." + plan.id() + ".stripe_metered_prices." + m.getKey(), "price '" + m.getValue()
                            + "' is a plan's price under stripe_price_ids; a metered price must be a price of its own");
                }
                metered.add(m.getValue());
            }
        }
        this.meteredPrices = Collections.unmodifiableSet(metered);
        this.plansByStripePrice = Collections.unmodifiableMap(byPrice);
        Plan ended = plans.get(subscriptionEndedPlan);
        if (ended == null || !"cloud".equals(ended.edition())) {
            throw PlanCatalogReader.invalid("subscription_ended_plan", "'" + subscriptionEndedPlan + "' must name a cloud plan of the "
                    + "catalog, so a cancelled subscription lands on limits of its own");
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
        PlanCatalogReader.Contents c = PlanCatalogReader.read(new ObjectMapper(new YAMLFactory()).readTree(in));
        return new PlanCatalog(c.upgradeUrl(), c.subscriptionEndedPlan(), c.features(), c.families(), c.plans());
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

    /** Whether a Stripe price is one of the plans' metered (usage) prices, which say nothing about the plan. */
    public boolean isMeteredStripePrice(String priceId) {
        return meteredPrices.contains(priceId);
    }

    /** The model families of the ladder, in catalog order. */
    public List<ModelFamily> modelFamilies() {
        return List.copyOf(families.values());
    }

    public Optional<ModelFamily> modelFamily(String name) {
        return Optional.ofNullable(families.get(name));
    }

    /** The ids of the plans whose ladder includes a model family, in catalog order: what its 402 lists. */
    public List<String> plansServing(String family) {
        return plans.values().stream().filter(p -> p.servesFamily(family)).map(Plan::id).toList();
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
