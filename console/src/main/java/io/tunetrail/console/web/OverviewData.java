package io.tunetrail.console.web;

import io.tunetrail.api.ServingExtension;
import io.tunetrail.api.alerts.AlertStore;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.service.CostService;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.store.costs.OrgCosts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The overview's alerts and cost, read through the API's own {@link AlertStore} and {@link CostService} (what
 * {@code GET /api/v1/alerts} and {@code GET /api/v1/usage/costs} answer), shaped for the page and its cost chart.
 */
final class OverviewData {
    /** Open alerts shown on the overview; the rest are a page of {@code GET /api/v1/alerts} away. */
    static final int ALERTS_SHOWN = 20;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The cost chart's data: the month's days, the cost to date at the end of each (USD), and the cap (null: none). */
    record CostSeries(List<String> days, List<Double> cumulativeUsd, Double capUsd) {}

    private final AlertStore alerts;
    private final CostService costs;

    OverviewData(Sql sql, ServingExtension.Parts parts) {
        // The store only reads and acknowledges here.
        this.alerts = new AlertStore(sql, parts.clock());
        this.costs = new CostService(sql, new OrgCosts(CostCatalog.load()), parts.clock());
    }

    List<Views.AlertRow> openAlerts(Principal p) {
        List<Views.AlertRow> rows = new ArrayList<>();
        for (AlertStore.Alert a : alerts.list(p.orgId(), false, null, ALERTS_SHOWN).items()) {
            if (a.modelVersionId() != null) {
                rows.add(new Views.AlertRow(Long.toString(a.alertId()), "New model version: " + a.algorithm() + " " + a.version()
                        + " (the organisation stays pinned)", "", "", WHEN.format(a.reachedAt())));
                continue;
            }
            boolean cost = "cost_cap".equals(a.kind());
            String what = (cost ? "Cost cap" : a.resource().replace('_', ' ') + ", " + ("day".equals(a.period()) ? "daily" : "monthly") + " quota")
                    + ": " + a.thresholdPercent() + " % reached";
            rows.add(new Views.AlertRow(Long.toString(a.alertId()), what, amount(a.used(), cost), amount(a.limit(), cost), WHEN.format(a.reachedAt())));
        }
        return rows;
    }

    void acknowledge(Principal p, String alertId) {
        alerts.acknowledge(p, alertId);
    }

    Views.CostSummary cost(Principal p) {
        CostService.Month m = costs.report(p.orgId(), p.plan(), null, null).month();
        return new Views.CostSummary(m.month().toString(), usd(m.spentUsd()), usd(m.heldUsd()), m.capUsd() == null ? "no cap" : usd(m.capUsd()),
                m.percentOfCap() == null ? "" : m.percentOfCap().setScale(1, RoundingMode.HALF_UP).toPlainString() + " %", m.hardStop(),
                WHEN.format(m.resetsAt()));
    }

    /** Month to date by day, from the first of the month to today. */
    CostSeries costSeries(Principal p) {
        CostService.Report r = costs.report(p.orgId(), p.plan(), null, null);
        Map<LocalDate, BigDecimal> byDay = new TreeMap<>();
        for (LocalDate d = r.from(); d.isBefore(r.to()); d = d.plusDays(1)) {
            byDay.put(d, BigDecimal.ZERO);
        }
        r.days().forEach(l -> byDay.merge(l.day(), l.usd(), BigDecimal::add));
        List<String> days = new ArrayList<>();
        List<Double> cumulative = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Map.Entry<LocalDate, BigDecimal> e : byDay.entrySet()) {
            total = total.add(e.getValue());
            days.add(e.getKey().toString());
            cumulative.add(total.doubleValue());
        }
        return new CostSeries(days, cumulative, r.month().capUsd() == null ? null : r.month().capUsd().doubleValue());
    }

    private static String amount(BigDecimal value, boolean usd) {
        return usd ? usd(value) : String.format(Locale.ROOT, "%,d", value.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    private static String usd(BigDecimal value) {
        return String.format(Locale.ROOT, "$%,.2f", value);
    }
}
