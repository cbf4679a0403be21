package io.tunetrail.batch.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One run of analytics jobs: its id (in every output row and in the registry's input snapshot) and its UTC date (the
 * {@code run_date} partition of the Delta outputs: a second run on the same day replaces the first one's partitions).
 */
public record AnalyticsRun(String runId, LocalDate runDate) {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public AnalyticsRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runDate, "runDate");
    }

    /** A run starting now: id {@code analytics-<UTC timestamp>}. */
    public static AnalyticsRun startingAt(Instant now) {
        return new AnalyticsRun("analytics-" + ID.format(now), LocalDate.ofInstant(now, ZoneOffset.UTC));
    }
}
