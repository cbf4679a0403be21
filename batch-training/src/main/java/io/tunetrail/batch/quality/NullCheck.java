package io.tunetrail.batch.quality;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/** {@code nulls}: rows with a null in a column that must always be set (the event schemas' required fields, the keys). */
final class NullCheck implements QualityCheck {
    static final String NAME = "nulls";
    private static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("interactions", List.of("org_id", "user_id", "track_id", "event_type", "event_time", "client_event_id", "event_date"));
        REQUIRED.put("usage_daily", List.of("org_id", "resource", "usage_date", "units"));
        REQUIRED.put("sessions", List.of("org_id", "user_id", "session_start", "session_date"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) {
        List<CheckResult> out = new ArrayList<>();
        REQUIRED.forEach((table, columns) -> ctx.delta(table).ifPresent(rows -> {
            Map<String, Column> rules = new LinkedHashMap<>();
            columns.forEach(c -> rules.put(c + " null", col(c).isNull()));
            out.add(Violations.check(NAME, table, rows, rules, "these rows bypassed the lander's checks"));
        }));
        return out;
    }
}
