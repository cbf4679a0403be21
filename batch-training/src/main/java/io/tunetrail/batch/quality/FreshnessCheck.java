package io.tunetrail.batch.quality;

import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code freshness}: hours since each raw table's newest Delta commit, i.e. since it was last landed. The
 * {@code interactions} table must exist; the streaming jobs' tables are checked once they do.
 */
final class FreshnessCheck implements QualityCheck {
    static final String NAME = "freshness";
    private static final List<String> OPTIONAL = List.of("usage_daily", "sessions");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) {
        double limit = ctx.config().getDouble(PlatformConfig.QUALITY_FRESHNESS_MAX_HOURS);
        Instant now = ctx.clock().instant();
        List<CheckResult> out = new ArrayList<>();
        Optional<Instant> interactions = ctx.lastCommit("interactions");
        if (interactions.isEmpty()) {
            out.add(new CheckResult(NAME, "delta:interactions", false, null, limit, "the table does not exist at "
                    + ctx.location("interactions") + "; land the topics (./tunetrail land)"));
        } else {
            out.add(result("interactions", interactions.get(), now, limit));
        }
        for (String table : OPTIONAL) {
            ctx.lastCommit(table).ifPresent(at -> out.add(result(table, at, now, limit)));
        }
        return out;
    }

    private static CheckResult result(String table, Instant committed, Instant now, double limit) {
        double hours = Duration.between(committed, now).toSeconds() / 3600.0;
        String detail = String.format("last landed %s, %.1f h ago (limit %.1f h)", committed, hours, limit)
                + (hours > limit ? "; is the nightly land (or the streaming jobs) running?" : "");
        return CheckResult.atMost(NAME, "delta:" + table, hours, limit, detail);
    }
}
