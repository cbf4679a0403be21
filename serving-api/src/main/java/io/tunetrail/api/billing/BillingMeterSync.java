package io.tunetrail.api.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.model.billing.MeterEvent;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports closed usage days to Stripe Billing Meters: for each org, resource and closed UTC day of {@code usage_ledger}
 * (summed over the org's keys) not yet sent, one meter event to the resource's meter ({@code api.stripe.meters}) with
 * the identifier {@code tt:<org>:<resource>:<day>}, timestamped at the day's start. Each answer is recorded in
 * {@code billing_meter_reports}: a sent day is never sent again, a failed one is tried again by the next sync.
 *
 * <p>Skipped, with a reason: orgs without a Stripe customer, resources the org's plan has no metered price for
 * ({@code stripe_metered_prices} in {@code config/plans.yaml}), resources without a meter, days older than Stripe
 * accepts (35 days), and zero days. One sync runs at a time (a PostgreSQL advisory lock): a second one is refused.
 */
public final class BillingMeterSync {
    private static final Logger LOG = LoggerFactory.getLogger(BillingMeterSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stripe refuses meter events whose timestamp is more than 35 days old; a day starts at its midnight. */
    static final int STRIPE_MAX_AGE_DAYS = 34;
    private static final long LOCK = 0x7474_6269_6c6cL; // "ttbill"

    /** One org-resource-day of the ledger. */
    public record Day(String orgId, String resource, LocalDate day, long units, String identifier, String eventName, int attempts,
            String stripeCustomerId) {}

    /** Days not reported, counted per org, resource and reason. */
    public record Skipped(String orgId, String resource, String reason, int days) {}

    /** What a sync did (or, dry, would do). */
    public record Report(boolean dryRun, LocalDate closedBefore, List<Day> sent, List<Day> failed, List<Skipped> skipped) {}

    /** A day's status in the ledger query. */
    private record Candidate(String orgId, String customer, String planId, String resource, LocalDate day, long units, int previousAttempts) {}

    private final Sql sql;
    private final PlanCatalog plans;
    private final StripeApi stripe;
    private final Clock clock;

    public BillingMeterSync(Sql sql, PlanCatalog plans, StripeApi stripe, Clock clock) {
        this.sql = sql;
        this.plans = plans;
        this.stripe = stripe;
        this.clock = clock;
    }

    /** The idempotent identifier of one org, resource and day: the same on every attempt and every sync. */
    public static String identifier(String orgId, String resource, LocalDate day) {
        return "tt:" + orgId + ":" + resource + ":" + day;
    }

    /**
     * Why a resource of an org is not billed to Stripe, or null when it is: no Stripe customer, no metered price in the
     * plan, no meter configured for the resource.
     */
    static String notBilled(PlanCatalog plans, StripeSettings settings, String customer, String planId, String resource) {
        if (customer == null) {
            return "no_stripe_customer";
        }
        PlanCatalog.Plan plan = plans.find(planId).orElse(null);
        if (plan == null || plan.stripeMeteredPrices().isEmpty()) {
            return "plan_without_metered_prices";
        }
        if (!plan.stripeMeteredPrices().containsKey(resource)) {
            return "resource_not_metered_by_plan";
        }
        if (!settings.meters().containsKey(resource)) {
            return "no_meter_configured";
        }
        return null;
    }

    /** Sends (or with {@code dryRun} only lists) the unreported closed days, of one org when {@code orgId} is not null. */
    public Report sync(boolean dryRun, String orgId) {
        if (!dryRun && !stripe.configured()) {
            throw new IllegalStateException("Stripe is not configured: set api.stripe.api-key (env TUNETRAIL_API_STRIPE_API_KEY), "
                    + "or pass --dry-run to see what would be sent");
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        try (Connection lockHolder = sql.dataSource().getConnection()) {
            if (!dryRun && !tryLock(lockHolder)) {
                throw new IllegalStateException("another billing sync is running; nothing was sent. Run it again when that one ends");
            }
            try {
                return run(dryRun, orgId, today);
            } finally {
                if (!dryRun) {
                    unlock(lockHolder);
                }
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("locking the billing sync", e);
        }
    }

    private Report run(boolean dryRun, String orgId, LocalDate today) {
        LocalDate oldest = today.minusDays(STRIPE_MAX_AGE_DAYS);
        List<Day> sent = new ArrayList<>();
        List<Day> failed = new ArrayList<>();
        Map<String, Skipped> skipped = new TreeMap<>();
        for (Candidate c : unreported(orgId, today)) {
            String reason = notBilled(plans, stripe.settings(), c.customer(), c.planId(), c.resource());
            if (reason == null && c.day().isBefore(oldest)) {
                reason = "older_than_stripe_accepts";
            }
            if (reason == null && c.units() == 0) {
                reason = "no_units";
            }
            if (reason != null) {
                String k = c.orgId() + "\u0000" + c.resource() + "\u0000" + reason;
                Skipped s = skipped.get(k);
                skipped.put(k, new Skipped(c.orgId(), c.resource(), reason, s == null ? 1 : s.days() + 1));
                continue;
            }
            String eventName = stripe.settings().meters().get(c.resource());
            String id = identifier(c.orgId(), c.resource(), c.day());
            if (dryRun) {
                sent.add(new Day(c.orgId(), c.resource(), c.day(), c.units(), id, eventName, 0, c.customer()));
                continue;
            }
            try {
                StripeApi.Attempted<MeterEvent> r = stripe.meterEvent(eventName, c.customer(), c.units(), id,
                        c.day().atStartOfDay(ZoneOffset.UTC).toInstant());
                Day d = new Day(c.orgId(), c.resource(), c.day(), c.units(), id, eventName, c.previousAttempts() + r.attempts(), c.customer());
                record(d, "sent", answer(r.value()));
                sent.add(d);
            } catch (StripeApi.Failure f) {
                Day d = new Day(c.orgId(), c.resource(), c.day(), c.units(), id, eventName, c.previousAttempts() + f.attempts(), c.customer());
                LOG.warn("Billing meter event {} not sent: {}", id, f.getMessage());
                record(d, "failed", f.answer());
                failed.add(d);
            }
        }
        return new Report(dryRun, today, sent, failed, List.copyOf(skipped.values()));
    }

    /** Closed days (before today, UTC) with no 'sent' report, oldest first. */
    private List<Candidate> unreported(String orgId, LocalDate today) {
        return sql.list("reading unreported usage days",
                "SELECT l.org_id, o.stripe_customer_id, o.plan_id, l.resource, l.period_start, sum(l.units)::bigint AS units, "
                        + "coalesce(max(r.attempts), 0) AS attempts FROM usage_ledger l JOIN organisations o ON o.org_id = l.org_id "
                        + "LEFT JOIN billing_meter_reports r ON r.org_id = l.org_id AND r.resource = l.resource AND r.period_start = l.period_start "
                        + "WHERE l.period = 'day' AND l.period_start < ? AND (r.status IS NULL OR r.status = 'failed') "
                        + "AND (?::text IS NULL OR l.org_id = ?) "
                        + "GROUP BY l.org_id, o.stripe_customer_id, o.plan_id, l.resource, l.period_start "
                        + "ORDER BY l.period_start, l.org_id, l.resource",
                ps -> {
                    ps.setDate(1, Date.valueOf(today));
                    ps.setString(2, orgId);
                    ps.setString(3, orgId);
                },
                rs -> new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getDate(5).toLocalDate(),
                        rs.getLong(6), rs.getInt(7)));
    }

    private void record(Day d, String status, Map<String, Object> answer) {
        String json;
        try {
            json = JSON.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            json = "{}";
        }
        String answerJson = json;
        sql.update("recording billing meter event " + d.identifier(),
                "INSERT INTO billing_meter_reports (org_id, resource, period_start, identifier, event_name, stripe_customer_id, units, "
                        + "status, attempts, stripe_answer, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, "
                        + "CASE WHEN ? = 'sent' THEN now() END) ON CONFLICT (org_id, resource, period_start) DO UPDATE SET "
                        + "units = excluded.units, status = excluded.status, attempts = excluded.attempts, "
                        + "stripe_answer = excluded.stripe_answer, sent_at = excluded.sent_at, event_name = excluded.event_name, "
                        + "stripe_customer_id = excluded.stripe_customer_id WHERE billing_meter_reports.status <> 'sent'",
                ps -> {
                    ps.setString(1, d.orgId());
                    ps.setString(2, d.resource());
                    ps.setDate(3, Date.valueOf(d.day()));
                    ps.setString(4, d.identifier());
                    ps.setString(5, d.eventName());
                    ps.setString(6, d.stripeCustomerId());
                    ps.setLong(7, d.units());
                    ps.setString(8, status);
                    ps.setInt(9, d.attempts());
                    ps.setString(10, answerJson);
                    ps.setString(11, status);
                });
    }

    private static Map<String, Object> answer(MeterEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", e.getObject());
        out.put("event_name", e.getEventName());
        out.put("identifier", e.getIdentifier());
        out.put("timestamp", e.getTimestamp());
        out.put("created", e.getCreated());
        out.put("payload", e.getPayload());
        return out;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, LOCK);
            ps.execute();
        }
    }
}
