package io.tunetrail.store.costs;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * The cost cap's admission of new costly work (a training request, a custom job): under a plan with
 * {@code cost_caps.hard_stop}, refused once the org's month-to-date cost, with what its queued and running jobs hold,
 * reaches {@code monthly_usd}.
 *
 * <p>Serialised per org: {@link #admit} locks the org's row ({@code FOR NO KEY UPDATE}, which leaves foreign-key checks of
 * other writes alone) for the rest of the caller's transaction, and the caller queues the work (its hold) in that same
 * transaction. A second request at the cap waits for the first to commit and then sees its hold, so requests at the
 * cap cannot all pass. {@link CostMeter} takes the same lock when it records a cost.
 */
public final class CostCap {
    private final PlanCatalog plans;
    private final OrgCosts costs;
    private final Clock clock;

    public CostCap(PlanCatalog plans, OrgCosts costs, Clock clock) {
        this.plans = plans;
        this.costs = costs;
        this.clock = clock;
    }

    /**
     * Locks the org for the rest of {@code tx} and returns its plan id; throws {@link CostCapReached} when its plan has a
     * hard stop and the month's committed cost has reached the cap. Call inside the transaction that queues the work.
     */
    public String admit(Connection tx, String orgId) throws SQLException {
        String planId = lockOrg(tx, orgId);
        PlanCatalog.CostCaps caps = plans.find(planId).map(PlanCatalog.Plan::costCaps).orElse(PlanCatalog.CostCaps.NONE);
        if (caps.monthlyUsd() == null || !caps.hardStop()) {
            return planId;
        }
        YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        OrgCosts.MonthToDate m = costs.monthToDate(tx, orgId, month);
        BigDecimal cap = BigDecimal.valueOf(caps.monthlyUsd());
        if (m.committedUsd().compareTo(cap) >= 0) {
            throw new CostCapReached(orgId, m.spentUsd(), m.heldUsd(), cap, resetsAt(month));
        }
        return planId;
    }

    /** When a month's cap resets: the 1st of the next month, 00:00 UTC (as the monthly quotas). */
    public static Instant resetsAt(YearMonth month) {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The org's plan id, or null for an unknown org (read without a lock: for alerts, not for admission). */
    static String planOf(Connection c, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT plan_id FROM organisations WHERE org_id = ?")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Locks the org's row for the rest of {@code tx} and returns its plan id; NOT_FOUND for an unknown org. */
    static String lockOrg(Connection tx, String orgId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT plan_id FROM organisations WHERE org_id = ? FOR NO KEY UPDATE")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw StoreException.notFound("there is no org '" + orgId + "'", "Create it first (./tunetrail admin org create)");
                }
                return rs.getString(1);
            }
        }
    }
}
