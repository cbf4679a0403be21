package io.tunetrail.batch.quality;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Counts, in one pass over a table, the rows that break each of a set of named rules; none may. */
final class Violations {
    private Violations() {}

    /**
     * @param rules  what no row may be, by how a finding names it ({@code "played_ms < 0"} → its condition)
     * @param why    appended to the detail when some row breaks a rule
     */
    static CheckResult check(String check, String table, Dataset<Row> rows, Map<String, Column> rules, String why) {
        List<String> names = new ArrayList<>(rules.keySet());
        Column[] counts = names.stream().map(n -> count(when(rules.get(n), 1)).as("rule_" + names.indexOf(n))).toArray(Column[]::new);
        Row r = rows.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).first();
        long total = 0;
        List<String> found = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            long n = r.getLong(i);
            total += n;
            if (n > 0) {
                found.add(n + " rows with " + names.get(i));
            }
        }
        String detail = found.isEmpty() ? "no row with " + String.join(", ", names) : String.join("; ", found) + "; " + why;
        return CheckResult.atMost(check, "delta:" + table, total, 0, detail);
    }
}
