package io.tunetrail.batch.quality;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one check found about one subject.
 *
 * @param subject   what was measured: {@code delta:<table>}, {@code postgres:<table>}, or {@code a -> b} for a reference
 * @param observed  the measure (hours, rows, a share); null when it is not a number
 * @param threshold the limit it was held against; null when there was none (a first row count)
 * @param detail    one line: the figures, and for a failure what is wrong and where to look
 */
public record CheckResult(String check, String subject, boolean passed, Double observed, Double threshold, String detail) {

    public static CheckResult atMost(String check, String subject, double observed, double limit, String detail) {
        return new CheckResult(check, subject, observed <= limit, observed, limit, detail);
    }

    public String summary() {
        return String.format("%-5s %-12s %-32s %s", passed ? "ok" : "FAIL", check, subject, detail);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", check);
        m.put("subject", subject);
        m.put("passed", passed);
        m.put("observed", observed);
        m.put("threshold", threshold);
        m.put("detail", detail);
        return m;
    }
}
