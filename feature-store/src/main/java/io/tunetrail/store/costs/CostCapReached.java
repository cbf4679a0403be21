package io.tunetrail.store.costs;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Costly work refused because the org's month-to-date cost reached its plan's hard-stop cap. Not a store failure but a
 * decision, with the figures a caller shows: what was spent, what queued work holds, the cap and when it resets.
 */
public final class CostCapReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient BigDecimal spentUsd;
    private final transient BigDecimal heldUsd;
    private final transient BigDecimal capUsd;
    private final Instant resetsAt;

    CostCapReached(String orgId, BigDecimal spentUsd, BigDecimal heldUsd, BigDecimal capUsd, Instant resetsAt) {
        super("org " + orgId + " has spent " + spentUsd.toPlainString() + " USD this month (" + heldUsd.toPlainString()
                + " more held by queued jobs) of its cap of " + capUsd.toPlainString() + " USD; new costly work waits until " + resetsAt);
        this.spentUsd = spentUsd;
        this.heldUsd = heldUsd;
        this.capUsd = capUsd;
        this.resetsAt = resetsAt;
    }

    public BigDecimal spentUsd() {
        return spentUsd;
    }

    public BigDecimal heldUsd() {
        return heldUsd;
    }

    public BigDecimal capUsd() {
        return capUsd;
    }

    public Instant resetsAt() {
        return resetsAt;
    }
}
