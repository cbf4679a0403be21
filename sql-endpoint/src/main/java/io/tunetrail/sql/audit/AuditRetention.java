package io.tunetrail.sql.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the statement audit to {@code sql.audit.retention-days}: every {@link #EVERY} the audit writer's thread, when
 * it has nothing to write, deletes entries older than that in batches of {@link #BATCH} until none is left (new
 * entries go first: it stops between batches when some wait). PostgreSQL unavailable: tried again a minute later.
 */
final class AuditRetention {
    static final Duration EVERY = Duration.ofHours(1);
    static final int BATCH = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final ToIntBiFunction<Instant, Integer> purgeBefore;
    private final Duration keep;
    private final int batch;
    private final Clock clock;
    private Instant nextAt;

    /** {@code purgeBefore} deletes at most the given number of entries started before the instant and says how many. */
    AuditRetention(ToIntBiFunction<Instant, Integer> purgeBefore, Duration keep, int batch, Clock clock) {
        if (keep.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("the statement audit is kept at least 1 day (sql.audit.retention-days), not " + keep);
        }
        this.purgeBefore = purgeBefore;
        this.keep = keep;
        this.batch = batch;
        this.clock = clock;
        this.nextAt = clock.instant();
    }

    /** One batch when a purge is due; returns how many entries it deleted (0 when none was due). */
    int step() {
        Instant now = clock.instant();
        if (now.isBefore(nextAt)) {
            return 0;
        }
        try {
            int deleted = purgeBefore.applyAsInt(now.minus(keep), batch);
            if (deleted < batch) {
                nextAt = now.plus(EVERY);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.warn("cannot delete statement audit entries older than {} days ({}); trying again in a minute", keep.toDays(), e.getMessage());
            nextAt = now.plus(RETRY);
            return 0;
        }
    }
}
