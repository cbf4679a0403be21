package io.tunetrail.api.billing;

import com.stripe.model.billing.Meter;
import com.stripe.model.billing.MeterEventSummary;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Stripe's meters hold against what we counted: per org, metered resource and UTC day of a range, the ledger's
 * units ({@code usage_ledger}), what the sync reported ({@code billing_meter_reports}) and Stripe's daily meter event
 * summary. A day where they disagree is flagged with why:
 * <ul>
 *   <li>{@code stripe_differs_from_report}: Stripe's sum is not what we sent (lost, duplicated or adjusted in Stripe);</li>
 *   <li>{@code not_reported}: a closed day with units we never sent (run {@code billing sync});</li>
 *   <li>{@code ledger_changed_after_report}: the lander recomputed the day after it was sent.</li>
 * </ul>
 */
public final class MeterReconciliation {
    /** Stripe answers a page of at most 100 daily summaries; a longer range would need more pages per org and resource. */
    public static final int MAX_DAYS = 100;

    /** One org, resource and day; {@code reported} and {@code stripe} are null when nothing was sent or Stripe has nothing. */
    public record Row(String orgId, String resource, LocalDate day, long counted, Long reported, BigDecimal stripe, List<String> differences) {}

    /** An org and resource not compared, and why. */
    public record Skipped(String orgId, String resource, String reason) {}

    public record Report(LocalDate from, LocalDate to, int daysCompared, int differences, List<Row> rows, List<Skipped> skipped) {}

    private record Billed(String orgId, String customer, String planId, String resource) {}

    private record Ours(long counted, Long reported) {}

    private final Sql sql;
    private final PlanCatalog plans;
    private final StripeApi stripe;
    private final Clock clock;

    public MeterReconciliation(Sql sql, PlanCatalog plans, StripeApi stripe, Clock clock) {
        this.sql = sql;
        this.plans = plans;
        this.stripe = stripe;
        this.clock = clock;
    }

    /**
     * Compares the days from {@code from} up to {@code to} (exclusive; at most {@link #MAX_DAYS}), of one org when
     * {@code orgId} is not null. Rows list only the days that differ unless {@code all}.
     */
    public Report reconcile(LocalDate from, LocalDate to, String orgId, boolean all) {
        if (!to.isAfter(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new IllegalArgumentException("the range " + from + " .. " + to + " must be 1 to " + MAX_DAYS + " days, --to after --from");
        }
        if (!stripe.configured()) {
            throw new IllegalStateException("Stripe is not configured: set api.stripe.api-key (env TUNETRAIL_API_STRIPE_API_KEY)");
        }
        Map<String, Meter> meters = stripe.metersByEventName();
        List<Row> rows = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        int compared = 0;
        int differences = 0;
        for (Billed b : candidates(from, to, orgId)) {
            String reason = BillingMeterSync.notBilled(plans, stripe.settings(), b.customer(), b.planId(), b.resource());
            Meter meter = reason == null ? meters.get(stripe.settings().meters().get(b.resource())) : null;
            if (reason == null && meter == null) {
                reason = "meter_not_found_in_stripe";
            }
            if (reason != null) {
                skipped.add(new Skipped(b.orgId(), b.resource(), reason));
                continue;
            }
            Map<LocalDate, BigDecimal> theirs = new TreeMap<>();
            for (MeterEventSummary s : stripe.dailySummaries(meter.getId(), b.customer(), start(from), start(to))) {
                theirs.merge(Instant.ofEpochSecond(s.getStartTime()).atZone(ZoneOffset.UTC).toLocalDate(), s.getAggregatedValue(), BigDecimal::add);
            }
            Map<LocalDate, Ours> ours = ours(b.orgId(), b.resource(), from, to);
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
                Ours o = ours.getOrDefault(day, new Ours(0, null));
                BigDecimal s = theirs.get(day);
                if (o.counted() == 0 && o.reported() == null && s == null) {
                    continue;
                }
                compared++;
                List<String> why = new ArrayList<>();
                long sent = o.reported() == null ? 0 : o.reported();
                if ((s == null ? BigDecimal.ZERO : s).compareTo(BigDecimal.valueOf(sent)) != 0) {
                    why.add("stripe_differs_from_report");
                }
                if (o.reported() == null && o.counted() > 0 && day.isBefore(today)) {
                    why.add("not_reported");
                } else if (o.reported() != null && o.reported() != o.counted()) {
                    why.add("ledger_changed_after_report");
                }
                if (!why.isEmpty()) {
                    differences++;
                }
                if (all || !why.isEmpty()) {
                    rows.add(new Row(b.orgId(), b.resource(), day, o.counted(), o.reported(), s, List.copyOf(why)));
                }
            }
        }
        return new Report(from, to, compared, differences, rows, skipped);
    }

    private static Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Every org and resource with ledger days or reports in the range. */
    private List<Billed> candidates(LocalDate from, LocalDate to, String orgId) {
        return sql.list("reading the metered orgs",
                "SELECT DISTINCT o.org_id, o.stripe_customer_id, o.plan_id, u.resource FROM ("
                        + "SELECT org_id, resource FROM usage_ledger WHERE period = 'day' AND period_start >= ? AND period_start < ? "
                        + "UNION SELECT org_id, resource FROM billing_meter_reports WHERE period_start >= ? AND period_start < ?) u "
                        + "JOIN organisations o ON o.org_id = u.org_id WHERE (?::text IS NULL OR o.org_id = ?) ORDER BY 1, 4",
                ps -> {
                    ps.setDate(1, Date.valueOf(from));
                    ps.setDate(2, Date.valueOf(to));
                    ps.setDate(3, Date.valueOf(from));
                    ps.setDate(4, Date.valueOf(to));
                    ps.setString(5, orgId);
                    ps.setString(6, orgId);
                },
                rs -> new Billed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    private Map<LocalDate, Ours> ours(String orgId, String resource, LocalDate from, LocalDate to) {
        Map<LocalDate, Ours> out = new TreeMap<>();
        sql.list("reading counted and reported usage",
                "SELECT d.day, coalesce((SELECT sum(units) FROM usage_ledger l WHERE l.org_id = ? AND l.resource = ? AND l.period = 'day' "
                        + "AND l.period_start = d.day), 0)::bigint, r.units FROM (SELECT generate_series(?::date, ?::date - 1, interval '1 day')::date AS day) d "
                        + "LEFT JOIN billing_meter_reports r ON r.org_id = ? AND r.resource = ? AND r.period_start = d.day AND r.status = 'sent'",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, resource);
                    ps.setDate(3, Date.valueOf(from));
                    ps.setDate(4, Date.valueOf(to));
                    ps.setString(5, orgId);
                    ps.setString(6, resource);
                },
                rs -> {
                    long reported = rs.getLong(3);
                    Long sent = rs.wasNull() ? null : reported;
                    out.put(rs.getDate(1).toLocalDate(), new Ours(rs.getLong(2), sent));
                    return null;
                });
        return out;
    }
}
