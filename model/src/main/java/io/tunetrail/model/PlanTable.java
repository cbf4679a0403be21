package io.tunetrail.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The README's plan table, rendered from the catalog: one column per plan, one row per thing a plan decides. The README
 * holds the output between {@link #START} and {@link #END}; {@code PlanTableTest} fails when they differ and prints
 * the table to paste, so the README cannot drift from {@code config/plans.yaml}.
 */
public final class PlanTable {
    public static final String START = "<!-- plan-table: generated from config/plans.yaml by io.tunetrail.model.PlanTable; do not edit -->";
    public static final String END = "<!-- /plan-table -->";

    private PlanTable() {}

    /** The markdown table, without the markers. */
    public static String render(PlanCatalog catalog) {
        List<PlanCatalog.Plan> plans = catalog.plans();
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (PlanCatalog.Plan p : plans) {
            head.append(' ').append(p.displayName()).append(" (`").append(p.id()).append("`) |");
            rule.append("---|");
        }
        lines.add(head.toString());
        lines.add(rule.toString());
        lines.add(row(plans, "edition", PlanCatalog.Plan::edition));
        for (String feature : catalog.features()) {
            lines.add(row(plans, "`" + feature + "`", p -> p.hasFeature(feature) ? "yes" : "–"));
        }
        lines.add(row(plans, "model families (`?model=`)", p -> String.join(", ", p.modelFamilies())));
        lines.add(row(plans, "model policy", p -> lower(p.modelPolicy()) + (p.canary() == null ? ""
                : String.format(Locale.ROOT, " + canary %d%% for %d h", p.canary().sharePercent(), p.canary().periodHours()))));
        for (String resource : resources(plans)) {
            lines.add(row(plans, "`" + resource + "`", p -> limit(p.limit(resource))));
        }
        lines.add(row(plans, "requests per key (per minute / per second / burst)", p -> p.rateLimit().isUnlimited() ? "unlimited"
                : p.rateLimit().requestsPerMinute() + " / " + orNone(p.rateLimit().requestsPerSecond()) + " / " + p.rateLimit().burst()));
        lines.add(row(plans, "requests per org (per minute / burst)", p -> p.rateLimit().isUnlimited() ? "unlimited"
                : p.rateLimit().orgRequestsPerMinute() + " / " + p.rateLimit().orgBurst()));
        lines.add(row(plans, "job priority / concurrency", p -> lower(p.priority()) + " / " + p.concurrency()));
        lines.add(row(plans, "list price per month", p -> p.monthlyPriceUsd() == null ? "–"
                : String.format(Locale.ROOT, "$%,.0f", p.monthlyPriceUsd())));
        lines.add(row(plans, "usage billed per day (Stripe meters)", p -> p.stripeMeteredPrices().isEmpty() ? "–"
                : String.join(", ", p.stripeMeteredPrices().keySet())));
        lines.add(row(plans, "monthly cost cap", p -> p.costCaps().monthlyUsd() == null ? "none"
                : String.format(Locale.ROOT, "$%,.0f", p.costCaps().monthlyUsd()) + (p.costCaps().hardStop() ? ", hard stop" : ", alert only")));
        lines.add(row(plans, "alerts at", p -> String.join(" / ", p.alertThresholds().stream().map(t -> t + "%").toList())));
        return String.join("\n", lines) + "\n";
    }

    private static List<String> resources(List<PlanCatalog.Plan> plans) {
        List<String> out = new ArrayList<>();
        plans.forEach(p -> p.limits().keySet().stream().filter(r -> !out.contains(r)).forEach(out::add));
        return out;
    }

    private static String limit(PlanCatalog.Limit l) {
        if (l.isUnlimited()) {
            return "unlimited";
        }
        if (l.max() != null || (l.perDay() == null && l.perMonth() == null)) {
            return l.max() == null ? "unlimited" : String.format(Locale.ROOT, "%,d", l.max());
        }
        return amount(l.perDay()) + "/day, " + amount(l.perMonth()) + "/month";
    }

    private static String amount(Long v) {
        return v == null ? "∞" : String.format(Locale.ROOT, "%,d", v);
    }

    private static String orNone(Integer v) {
        return v == null ? "–" : v.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String row(List<PlanCatalog.Plan> plans, String label, Function<PlanCatalog.Plan, String> cell) {
        StringBuilder b = new StringBuilder("| ").append(label).append(" |");
        for (PlanCatalog.Plan p : plans) {
            b.append(' ').append(cell.apply(p).replace("|", "\\|")).append(" |");
        }
        return b.toString();
    }
}
