package io.tunetrail.batch.quality;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs data quality checks, records every result in {@code data_quality_results} (passed or not, so the next run has
 * its baseline), and fails naming the checks that failed.
 */
public final class DataQuality {
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final QualityContext context;
    private final Consumer<String> out;

    public DataQuality(QualityContext context, Consumer<String> out) {
        this.context = context;
        this.out = out;
    }

    /** One run's results, in check order. */
    public record Report(String runId, List<CheckResult> results) {
        public List<String> failedChecks() {
            return results.stream().filter(r -> !r.passed()).map(CheckResult::check).distinct().toList();
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", "quality");
            m.put("run_id", runId);
            m.put("checks", results.stream().map(CheckResult::check).distinct().toList());
            m.put("failed", failedChecks());
            m.put("results", results.stream().map(CheckResult::asMap).toList());
            return m;
        }
    }

    /** Runs {@code checks}, records the results, and returns them; a check that cannot run fails the run with its name. */
    public Report run(List<QualityCheck> checks) {
        String runId = RUN_TIME.format(context.clock().instant()) + "-" + UUID.randomUUID().toString().substring(0, 6);
        List<CheckResult> results = new ArrayList<>();
        for (QualityCheck check : checks) {
            List<CheckResult> found;
            try {
                found = check.run(context);
            } catch (RuntimeException e) {
                throw new IllegalStateException("check " + check.name() + " could not run: " + e.getMessage(), e);
            }
            found.forEach(r -> out.accept(r.summary()));
            results.addAll(found);
        }
        context.results().record(runId, results);
        return new Report(runId, results);
    }

    /** Fails with the failed checks' names and their first finding when any check failed. */
    public static void requirePassed(Report report) {
        List<CheckResult> failed = report.results().stream().filter(r -> !r.passed()).toList();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("quality check " + String.join(", ", report.failedChecks()) + " failed: "
                    + failed.get(0).subject() + ": " + failed.get(0).detail());
        }
    }
}
