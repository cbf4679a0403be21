package io.tunetrail.store.alerts;

import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.costs.CapThresholds;
import io.tunetrail.store.costs.CostMeter;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cost meter's {@link CapThresholds} in every JVM that meters costs: each threshold of the cost cap a recorded cost
 * crossed becomes a {@code cost_cap} alert of the month (resource {@code cost_usd}), written at once
 * through {@link AlertRecorder}. The cost is committed before this runs, so a database error here is logged and
 * counted rather than thrown: the measured work stays recorded and the job keeps its outcome.
 */
public final class CostCapAlerts implements CapThresholds {
    private static final Logger LOG = LoggerFactory.getLogger(CostCapAlerts.class);

    private final AlertRecorder recorder;
    private final Clock clock;
    private final LongAdder recorded = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public CostCapAlerts(AlertRecorder recorder, Clock clock) {
        this.recorder = recorder;
        this.clock = clock;
    }

    /** A cost meter as every metering JVM needs it: the thresholds it sees crossed become alerts through this class. */
    public static CostMeter alertingMeter(DataSource db, PlanCatalog plans, CostCatalog prices, Clock clock) {
        return new CostMeter(db, plans, prices, clock, new CostCapAlerts(new AlertRecorder(db, clock), clock));
    }

    @Override
    public void crossed(CapThresholds.Crossing c) {
        // CapThresholds.Crossing (the meter's) shadows this package's Crossing (the alert's) inside this class.
        io.tunetrail.store.alerts.Crossing alert = new io.tunetrail.store.alerts.Crossing(c.orgId(), io.tunetrail.store.alerts.Crossing.COST_CAP,
                io.tunetrail.store.alerts.Crossing.COST_RESOURCE, io.tunetrail.store.alerts.Crossing.MONTH, c.month().atDay(1), c.percent(),
                c.capUsd(), c.spentUsd(), clock.instant());
        try {
            if (recorder.record(alert)) {
                recorded.increment();
            } else {
                duplicates.increment();
            }
        } catch (StoreException e) {
            failed.increment();
            LOG.error("could not record the cost-cap alert {}% of ${} for org {} in {}: {}", c.percent(), plain(c.capUsd()), c.orgId(), c.month(),
                    e.getMessage());
        }
    }

    /** New alerts written. */
    public long recorded() {
        return recorded.sum();
    }

    /** Crossings whose alert existed already (the other JVM, or a retried measurement, wrote it first). */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Crossings the database refused (logged). */
    public long failed() {
        return failed.sum();
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }
}
