package io.tunetrail.batch.quality;

import java.util.List;

/**
 * One data quality check ({@code ./tunetrail quality check --check NAME}): measures the offline store and PostgreSQL
 * through a {@link QualityContext}, holds each measure against its limit, and says what it found, one
 * {@link CheckResult} per subject (a table, or a pair of them). Register a check in {@link QualityChecks#ALL}.
 */
public interface QualityCheck {
    /** The check's name on the command line and in {@code data_quality_results}: lower case, underscores. */
    String name();

    List<CheckResult> run(QualityContext context);
}
