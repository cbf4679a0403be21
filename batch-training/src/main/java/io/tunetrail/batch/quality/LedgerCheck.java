package io.tunetrail.batch.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ledger}: PostgreSQL's billing ledger equals the sum of the offline store's {@code usage_daily}, per org, API key,
 * resource and UTC day, and per calendar month (the sum of its days), in both directions: a ledger row without usage
 * behind it, a usage total without its ledger row, or different units, each count as one mismatch. Usage of an org or
 * key PostgreSQL does not know is left out, as the lander leaves it out of the ledger.
 */
final class LedgerCheck implements QualityCheck {
    static final String NAME = "ledger";
    private static final String SUBJECT = "postgres:usage_ledger = sum(delta:usage_daily)";
    private static final String[] KEY = {"org_id", "api_key_id", "resource", "period", "period_start"};
    private static final StructType EXPECTED = new StructType().add("org_id", DataTypes.StringType)
            .add("api_key_id", DataTypes.StringType).add("resource", DataTypes.StringType).add("period", DataTypes.StringType)
            .add("period_start", DataTypes.DateType).add("expected_units", DataTypes.LongType);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) {
        Dataset<Row> ledger = ctx.postgres("SELECT org_id, api_key_id, resource, period, period_start, units FROM usage_ledger");
        Dataset<Row> expected = ctx.delta("usage_daily").map(daily -> totals(known(ctx, daily)))
                .orElseGet(() -> ctx.spark().createDataFrame(List.of(), EXPECTED));
        Column[] columns = new Column[KEY.length + 2];
        Column on = null;
        for (int i = 0; i < KEY.length; i++) {
            // api_key_id is null for keyless usage: null must meet null.
            Column c = ledger.col(KEY[i]).eqNullSafe(expected.col(KEY[i]));
            on = on == null ? c : on.and(c);
            columns[i] = coalesce(ledger.col(KEY[i]), expected.col(KEY[i])).as(KEY[i]);
        }
        columns[KEY.length] = ledger.col("units");
        columns[KEY.length + 1] = expected.col("expected_units");
        Dataset<Row> joined = ledger.join(expected, on, "full_outer").select(columns).cache();
        try {
            Dataset<Row> wrong = joined.filter(col("units").isNull().or(col("expected_units").isNull())
                    .or(col("units").notEqual(col("expected_units"))));
            long rows = joined.count();
            long mismatches = wrong.count();
            String detail = String.format("%,d of %,d ledger rows differ from usage_daily", mismatches, rows);
            if (mismatches > 0) {
                Row r = wrong.first();
                detail += String.format("; e.g. org %s key %s %s %s %s: ledger %s, usage_daily %s; re-run ./tunetrail land, "
                                + "which recomputes the ledger from usage_daily", r.get(0), r.get(1), r.get(2), r.get(3), r.get(4),
                        r.isNullAt(5) ? "none" : r.get(5), r.isNullAt(6) ? "none" : r.get(6));
            }
            return List.of(CheckResult.atMost(NAME, SUBJECT, mismatches, 0, detail));
        } finally {
            joined.unpersist();
        }
    }

    /** The usage rows of orgs and keys PostgreSQL knows (the only ones the ledger can hold). */
    private static Dataset<Row> known(QualityContext ctx, Dataset<Row> daily) {
        Dataset<Row> orgs = ctx.postgres("SELECT org_id FROM organisations");
        Dataset<Row> keys = ctx.postgres("SELECT org_id, key_id AS api_key_id FROM api_keys");
        Dataset<Row> ofKnownOrgs = daily.join(orgs, "org_id", "left_semi");
        Dataset<Row> keyless = ofKnownOrgs.filter(col("api_key_id").isNull());
        Dataset<Row> keyed = ofKnownOrgs.join(keys,
                scala.collection.JavaConverters.asScalaBuffer(List.of("org_id", "api_key_id")).toList(), "left_semi");
        return keyless.unionByName(keyed);
    }

    static Dataset<Row> totals(Dataset<Row> daily) {
        Dataset<Row> days = daily.groupBy(col("org_id"), col("api_key_id"), col("resource"), col("usage_date").as("period_start"))
                .agg(sum("units").as("expected_units")).withColumn("period", lit("day"));
        Dataset<Row> months = daily.groupBy(col("org_id"), col("api_key_id"), col("resource"),
                        trunc(col("usage_date"), "month").as("period_start"))
                .agg(sum("units").as("expected_units")).withColumn("period", lit("month"));
        return days.unionByName(months).select("org_id", "api_key_id", "resource", "period", "period_start", "expected_units");
    }
}
