package io.tunetrail.api.service;

import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.costs.CostCap;
import io.tunetrail.store.costs.OrgCosts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The org's costs for {@code GET /usage/costs}: measured jobs, stored days and costed API calls by kind and day in [from, to), and
 * the current month against the plan's cost cap.
 */
public final class CostService {
    /** The longest range one request may ask for. */
    public static final int MAX_DAYS = 366;

    public record Report(LocalDate from, LocalDate to, String currency, List<OrgCosts.Line> days, List<KindTotal> byKind,
            BigDecimal totalUsd, Month month) {}

    /** One kind's total in the range: a job kind ({@code source} job), storage ({@code source} storage) or a route class ({@code source} api). */
    public record KindTotal(String source, String kind, double cpuSeconds, long runs, long units, BigDecimal usd) {}

    /**
     * The month so far against the cap. {@code capUsd} null: no cap; {@code percentOfCap} counts what was spent, not what
     * queued jobs hold; {@code hardStop}: new costly work is refused once spent and held reach the cap.
     */
    public record Month(YearMonth month, BigDecimal spentUsd, BigDecimal heldUsd, BigDecimal capUsd, boolean hardStop,
            BigDecimal percentOfCap, java.time.Instant resetsAt) {}

    private final Sql sql;
    private final OrgCosts costs;
    private final Clock clock;

    public CostService(Sql sql, OrgCosts costs, Clock clock) {
        this.sql = sql;
        this.costs = costs;
        this.clock = clock;
    }

    public Report report(String orgId, PlanCatalog.Plan plan, String fromParam, String toParam) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate from = fromParam == null || fromParam.isEmpty() ? today.withDayOfMonth(1) : date("from", fromParam);
        LocalDate to = toParam == null || toParam.isEmpty() ? today.plusDays(1) : date("to", toParam);
        if (!from.isBefore(to)) {
            throw Check.invalid("to", "'to' (" + to + ", exclusive) must be after 'from' (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) > MAX_DAYS) {
            throw Check.invalid("from", "ask for at most " + MAX_DAYS + " days at once; [" + from + ", " + to + ") is longer");
        }
        YearMonth month = YearMonth.from(today);
        return sql.transaction("reading the org's costs", c -> {
            List<OrgCosts.Line> lines = costs.lines(c, orgId, from, to);
            OrgCosts.MonthToDate m = costs.monthToDate(c, orgId, month);
            BigDecimal total = BigDecimal.ZERO;
            Map<String, KindTotal> byKind = new LinkedHashMap<>();
            for (OrgCosts.Line l : lines) {
                total = total.add(l.usd());
                byKind.merge(l.source() + "/" + l.kind(), new KindTotal(l.source(), l.kind(), l.cpuSeconds(), l.runs(), l.units(), l.usd()),
                        (a, b) -> new KindTotal(a.source(), a.kind(), a.cpuSeconds() + b.cpuSeconds(), a.runs() + b.runs(), a.units() + b.units(),
                                a.usd().add(b.usd())));
            }
            PlanCatalog.CostCaps caps = plan.costCaps();
            BigDecimal cap = caps.monthlyUsd() == null ? null : BigDecimal.valueOf(caps.monthlyUsd());
            BigDecimal percent = cap == null || cap.signum() == 0 ? null
                    : m.spentUsd().multiply(BigDecimal.valueOf(100)).divide(cap, 2, RoundingMode.HALF_UP);
            return new Report(from, to, "USD", lines, new ArrayList<>(byKind.values()), total,
                    new Month(month, m.spentUsd(), m.heldUsd(), cap, caps.hardStop(), percent, CostCap.resetsAt(month)));
        });
    }

    private static LocalDate date(String field, String raw) {
        try {
            return LocalDate.parse(raw);
        } catch (DateTimeParseException e) {
            throw Check.invalid(field, "'" + field + "' must be a UTC date such as 2026-12-01, got '" + raw + "'");
        }
    }
}
