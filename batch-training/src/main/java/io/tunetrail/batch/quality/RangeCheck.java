package io.tunetrail.batch.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.model.PlatformConfig;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * {@code ranges}: values outside what the schemas allow: negative durations, units or counts, listening events from
 * further in the future than the streaming jobs accept ({@code stream.max-future-seconds}).
 */
final class RangeCheck implements QualityCheck {
    static final String NAME = "ranges";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) {
        Timestamp latest = Timestamp.from(ctx.clock().instant()
                .plusSeconds(ctx.config().getLong(PlatformConfig.STREAM_MAX_FUTURE_SECONDS)));
        List<CheckResult> out = new ArrayList<>();
        ctx.delta("interactions").ifPresent(rows -> {
            Map<String, Column> rules = new LinkedHashMap<>();
            rules.put("played_ms < 0", col("played_ms").lt(0));
            rules.put("track_duration_ms < 0", col("track_duration_ms").lt(0));
            rules.put("count < 1", col("count").lt(1));
            rules.put("event_time in the future", col("event_time").gt(lit(latest)));
            out.add(Violations.check(NAME, "interactions", rows, rules, "the lander's checks should have refused them"));
        });
        ctx.delta("usage_daily").ifPresent(rows -> {
            Map<String, Column> rules = new LinkedHashMap<>();
            rules.put("units < 0", col("units").lt(0));
            rules.put("events < 0", col("events").lt(0));
            out.add(Violations.check(NAME, "usage_daily", rows, rules, "the usage-counters job should never write them"));
        });
        return out;
    }
}
