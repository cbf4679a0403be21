package io.tunetrail.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.PlanCatalog.Canary;
import io.tunetrail.model.PlanCatalog.CostCaps;
import io.tunetrail.model.PlanCatalog.JobPriority;
import io.tunetrail.model.PlanCatalog.Limit;
import io.tunetrail.model.PlanCatalog.ModelFamily;
import io.tunetrail.model.PlanCatalog.ModelPolicy;
import io.tunetrail.model.PlanCatalog.Plan;
import io.tunetrail.model.PlanCatalog.RateLimit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code config/plans.yaml} into plans, checking every key: an unknown key or a bad value fails with one line
 * that names its path ({@code plans.pro.rate_limit.requests_per_second: must be a whole number from 1}), so a typo
 * cannot silently drop a limit.
 */
final class PlanCatalogReader {
    private static final Set<String> ROOT_KEYS = Set.of("upgrade_url", "subscription_ended_plan", "model_families", "features", "plans");
    private static final Set<String> PLAN_KEYS = Set.of("display_name", "edition", "features", "limits", "rate_limit", "model_families",
            "model_policy", "canary", "priority", "concurrency", "cost_caps", "alerts", "stripe_price_ids",
            "monthly_price_usd", "stripe_metered_prices");
    private static final Set<String> LIMIT_KEYS = Set.of("per_day", "per_month", "max");
    private static final Set<String> RATE_KEYS = Set.of("requests_per_minute", "requests_per_second", "burst", "org_requests_per_minute", "org_burst");
    private static final Set<String> FAMILY_KEYS = Set.of("tier", "lineage", "description");
    private static final Set<String> TIERS = new LinkedHashSet<>(List.of("content-based", "collaborative", "neural", "custom"));
    private static final Set<String> CANARY_KEYS = Set.of("share_percent", "period_hours", "max_regression_percent");
    private static final Set<String> COST_KEYS = Set.of("monthly_usd", "hard_stop");
    private static final Set<String> ALERT_KEYS = Set.of("thresholds");
    private static final Set<String> EDITIONS = Set.of("community", "cloud");

    private PlanCatalogReader() {}

    /** What the file holds, checked; the cross-plan rules (prices, the ended-subscription plan) are the catalog's. */
    record Contents(String upgradeUrl, String subscriptionEndedPlan, Map<String, String> features,
            Map<String, ModelFamily> families, Map<String, Plan> plans) {}

    static Contents read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw invalid("(root)", "the file is empty or not a mapping");
        }
        keys(root, "", ROOT_KEYS);
        Map<String, String> features = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping(root, "features").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            features.put(e.getKey(), e.getValue().asText());
        }
        Map<String, ModelFamily> families = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping(root, "model_families").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            families.put(e.getKey(), family(e.getKey(), e.getValue()));
        }
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping(root, "plans").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            plans.put(e.getKey(), plan(e.getKey(), e.getValue(), features.keySet(), families.keySet()));
        }
        if (plans.isEmpty()) {
            throw invalid("plans", "no plans are declared");
        }
        return new Contents(root.path("upgrade_url").asText(""), root.path("subscription_ended_plan").asText(""), features, families, plans);
    }

    private static ModelFamily family(String name, JsonNode node) {
        String path = "model_families." + name;
        if (!node.isObject()) {
            throw invalid(path, "must be a mapping with tier, lineage and description");
        }
        keys(node, path, FAMILY_KEYS);
        String tier = node.path("tier").asText("");
        if (!TIERS.contains(tier)) {
            throw invalid(path + ".tier", "'" + tier + "' is not a tier; use " + String.join(", ", TIERS));
        }
        JsonNode lineage = node.get("lineage");
        return new ModelFamily(name, tier, lineage == null || lineage.isNull() ? null : lineage.asText(), node.path("description").asText(""));
    }

    private static Plan plan(String id, JsonNode node, Set<String> knownFeatures, Set<String> knownFamilies) {
        String path = "plans." + id;
        if (!node.isObject()) {
            throw invalid(path, "must be a mapping");
        }
        keys(node, path, PLAN_KEYS);
        String edition = node.path("edition").asText("cloud");
        if (!EDITIONS.contains(edition)) {
            throw invalid(path + ".edition", "'" + edition + "' is not an edition; use community or cloud");
        }
        return new Plan(id, node.path("display_name").asText(id), edition,
                Collections.unmodifiableSet(names(node, path, "features", knownFeatures, "features")),
                Collections.unmodifiableMap(limits(node, path)), rateLimit(node.path("rate_limit"), path + ".rate_limit"),
                policy(node, path), List.copyOf(strings(node, path, "stripe_price_ids")), priority(node, path),
                concurrency(node, path), List.copyOf(names(node, path, "model_families", knownFamilies, "model_families")),
                canary(node.get("canary"), path + ".canary"), costCaps(node.get("cost_caps"), path + ".cost_caps"),
                alerts(node.get("alerts"), path + ".alerts"), number(node, path, "monthly_price_usd", 0, Double.MAX_VALUE),
                meteredPrices(node.get("stripe_metered_prices"), path + ".stripe_metered_prices"));
    }

    /** Resource → Stripe metered price; the resource is a usage-ledger resource name. */
    private static Map<String, String> meteredPrices(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(path, "must be a mapping of resource to Stripe price, such as { api_calls: price_pro_api_calls }");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().matches("[a-z][a-z0-9_]{0,63}")) {
                throw invalid(path + "." + e.getKey(), "is not a resource name (lower-case letters, digits, underscores)");
            }
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                throw invalid(path + "." + e.getKey(), "must be a Stripe price id");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, Limit> limits(JsonNode plan, String planPath) {
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping(plan, "limits", planPath).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = planPath + ".limits." + e.getKey();
            keys(e.getValue(), path, LIMIT_KEYS);
            limits.put(e.getKey(), new Limit(count(e.getValue(), path, "per_day", 0), count(e.getValue(), path, "per_month", 0),
                    count(e.getValue(), path, "max", 0)));
        }
        return limits;
    }

    private static RateLimit rateLimit(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return new RateLimit(null, null);
        }
        keys(node, path, RATE_KEYS);
        Integer rpm = integer(node, path, "requests_per_minute");
        Integer rps = integer(node, path, "requests_per_second");
        Integer burst = integer(node, path, "burst");
        Integer orgRpm = integer(node, path, "org_requests_per_minute");
        Integer orgBurst = integer(node, path, "org_burst");
        if (rpm == null && (rps != null || burst != null || orgRpm != null || orgBurst != null)) {
            throw invalid(path + ".requests_per_minute", "is null (no rate limit) while other rate figures are set; set it or clear them");
        }
        if (orgRpm != null && orgRpm < rpm) {
            throw invalid(path + ".org_requests_per_minute", orgRpm + " is below one key's requests_per_minute " + rpm
                    + "; the org ceiling is all keys together");
        }
        if (rps != null && burst != null && rps >= burst) {
            // A per-second cap at or above the burst never refuses anything the per-minute bucket admits.
            throw invalid(path + ".requests_per_second", rps + " is not below burst " + burst + ", so it would never apply; lower it or remove it");
        }
        return new RateLimit(rpm, burst, orgRpm, orgBurst, rps);
    }

    private static ModelPolicy policy(JsonNode plan, String planPath) {
        String policy = plan.path("model_policy").asText("latest");
        try {
            return ModelPolicy.valueOf(policy.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(planPath + ".model_policy", "'" + policy + "' is not a model policy; use latest, allow_minor or pinned");
        }
    }

    private static Canary canary(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        keys(node, path, CANARY_KEYS);
        Integer share = required(integer(node, path, "share_percent"), path, "share_percent");
        if (share > 50) {
            throw invalid(path + ".share_percent", share + " is more than half of the listeners; a canary is a minority (1..50)");
        }
        int hours = required(integer(node, path, "period_hours"), path, "period_hours");
        Double regression = number(node, path, "max_regression_percent", 0, 100);
        return new Canary(share, hours, required(regression, path, "max_regression_percent"));
    }

    private static CostCaps costCaps(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return CostCaps.NONE;
        }
        keys(node, path, COST_KEYS);
        JsonNode stop = node.get("hard_stop");
        if (stop != null && !stop.isNull() && !stop.isBoolean()) {
            throw invalid(path + ".hard_stop", "must be true or false, not '" + stop.asText() + "'");
        }
        Double monthly = number(node, path, "monthly_usd", 0, Double.MAX_VALUE);
        boolean hardStop = stop != null && stop.asBoolean();
        if (hardStop && monthly == null) {
            throw invalid(path + ".hard_stop", "is true without a monthly_usd cap to stop at");
        }
        return new CostCaps(monthly, hardStop);
    }

    private static List<Integer> alerts(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return PlanCatalog.DEFAULT_ALERT_THRESHOLDS;
        }
        keys(node, path, ALERT_KEYS);
        JsonNode list = node.get("thresholds");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw invalid(path + ".thresholds", "must be a list of percentages such as [50, 80, 100]");
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String at = path + ".thresholds[" + i + "]";
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 100) {
                throw invalid(at, "'" + v.asText() + "' must be a whole percentage from 1 to 100");
            }
            if (!out.isEmpty() && v.asInt() <= out.get(out.size() - 1)) {
                throw invalid(at, v.asInt() + " must be above the threshold before it (" + out.get(out.size() - 1) + "): list them rising");
            }
            out.add(v.asInt());
        }
        return List.copyOf(out);
    }

    private static JobPriority priority(JsonNode plan, String planPath) {
        JsonNode v = plan.get("priority");
        if (v == null || v.isNull()) {
            return PlanCatalog.DEFAULT_PRIORITY;
        }
        try {
            return JobPriority.valueOf(v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(planPath + ".priority", "'" + v.asText() + "' is not a priority; use critical, high, standard or low");
        }
    }

    private static int concurrency(JsonNode plan, String planPath) {
        Integer v = integer(plan, planPath, "concurrency");
        return v == null ? PlanCatalog.DEFAULT_CONCURRENCY : v;
    }

    // --- checks -------------------------------------------------------------------------------------------------

    /** Every key of {@code node} is one of {@code allowed}; otherwise the first unknown one is named with the known ones. */
    private static void keys(JsonNode node, String path, Set<String> allowed) {
        if (!node.isObject()) {
            throw invalid(path.isEmpty() ? "(root)" : path, "must be a mapping of " + sorted(allowed));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw invalid(path.isEmpty() ? key : path + "." + key, "unknown key; the keys here are " + sorted(allowed));
            }
        }
    }

    private static JsonNode mapping(JsonNode parent, String key) {
        return mapping(parent, key, "");
    }

    private static JsonNode mapping(JsonNode parent, String key, String parentPath) {
        JsonNode v = parent.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!v.isObject()) {
            throw invalid(parentPath.isEmpty() ? key : parentPath + "." + key, "must be a mapping");
        }
        return v;
    }

    /** A list of names, each of which must be declared under {@code declaredUnder}. */
    private static Set<String> names(JsonNode plan, String planPath, String key, Set<String> known, String declaredUnder) {
        Set<String> out = new LinkedHashSet<>();
        List<String> listed = strings(plan, planPath, key);
        for (int i = 0; i < listed.size(); i++) {
            if (!known.contains(listed.get(i))) {
                throw invalid(planPath + "." + key + "[" + i + "]", "'" + listed.get(i) + "' is not declared under '" + declaredUnder
                        + ":' (known: " + String.join(", ", known) + ")");
            }
            out.add(listed.get(i));
        }
        return out;
    }

    private static List<String> strings(JsonNode plan, String planPath, String key) {
        JsonNode v = plan.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw invalid(planPath + "." + key, "must be a list such as [a, b]");
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** A whole number from 1, or null when absent or null. */
    private static Integer integer(JsonNode node, String path, String key) {
        Long v = count(node, path, key, 1);
        if (v != null && v > Integer.MAX_VALUE) {
            throw invalid(path + "." + key, v + " is too large");
        }
        return v == null ? null : v.intValue();
    }

    /** A whole number from {@code min}, or null (unlimited) when absent or null. */
    private static Long count(JsonNode node, String path, String key, long min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
            throw invalid(path + "." + key, "'" + v.asText() + "' must be " + (min == 1 ? "a positive whole number" : "a whole number from " + min)
                    + (min == 0 ? " or null for unlimited" : ""));
        }
        return v.asLong();
    }

    private static Double number(JsonNode node, String path, String key, double min, double max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || !Double.isFinite(v.asDouble())) {
            throw invalid(path + "." + key, "'" + v.asText() + "' must be a number from " + fmt(min) + (max == Double.MAX_VALUE ? "" : " to " + fmt(max)));
        }
        return v.asDouble();
    }

    private static <T> T required(T value, String path, String key) {
        if (value == null) {
            throw invalid(path + "." + key, "is required");
        }
        return value;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String sorted(Set<String> keys) {
        String[] a = keys.toArray(new String[0]);
        Arrays.sort(a);
        return String.join(", ", a);
    }

    static IllegalStateException invalid(String path, String why) {
        return new IllegalStateException("Invalid plan catalog: " + path + ": " + why + ". Fix config/plans.yaml and rebuild.");
    }
}
