package io.tunetrail.batch.quality;

import io.tunetrail.model.PlatformConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code row_counts}: each raw Delta table's and each source PostgreSQL table's rows against the previous run's count.
 * These tables only grow (landings append or upsert, the catalog is loaded, the ledger is rewritten with the same
 * keys), so a fall beyond {@code quality.row-count.max-drop} means data was lost or a table was replaced.
 */
final class RowCountCheck implements QualityCheck {
    static final String NAME = "row_counts";
    private static final List<String> DELTA = List.of("interactions", "usage", "dead_letters", "usage_daily", "sessions");
    private static final List<String> POSTGRES = List.of("organisations", "tracks", "usage_ledger");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) {
        double maxDrop = ctx.config().getDouble(PlatformConfig.QUALITY_ROW_COUNT_MAX_DROP);
        List<CheckResult> out = new ArrayList<>();
        for (String table : DELTA) {
            ctx.delta(table).ifPresent(rows -> out.add(compare(ctx, "delta:" + table, rows.count(), maxDrop)));
        }
        for (String table : POSTGRES) {
            out.add(compare(ctx, "postgres:" + table, count(ctx, table), maxDrop));
        }
        return out;
    }

    private static CheckResult compare(QualityContext ctx, String subject, long count, double maxDrop) {
        OptionalDouble previous = ctx.previous(NAME, subject);
        if (previous.isEmpty()) {
            return new CheckResult(NAME, subject, true, (double) count, null, String.format("%,d rows (first count)", count));
        }
        double floor = previous.getAsDouble() * (1 - maxDrop);
        boolean passed = count >= floor;
        String detail = String.format("%,d rows, previous run %,.0f (at least %,.0f allowed)", count, previous.getAsDouble(), floor)
                + (passed ? "" : "; rows were lost since the previous check: look at the table's history");
        return new CheckResult(NAME, subject, passed, (double) count, floor, detail);
    }

    private static long count(QualityContext ctx, String table) {
        // The names are this class's constants, never input.
        try (Connection c = ctx.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("counting PostgreSQL's " + table + " failed: " + e.getMessage(), e);
        }
    }
}
