package io.tunetrail.batch.quality;

import java.util.List;

/** Every data quality check, in the order {@code quality check} runs them; the one place that names them. */
public final class QualityChecks {
    private QualityChecks() {}

    public static final List<QualityCheck> ALL = List.of(
            new FreshnessCheck(),
            new RowCountCheck(),
            new NullCheck(),
            new RangeCheck(),
            new ReferentialCheck(),
            new LedgerCheck());

    /** The check of this name; fails listing the known names. */
    public static QualityCheck byName(String name) {
        return ALL.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown check '" + name + "'; known checks: " + names()));
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(QualityCheck::name).toList());
    }
}
