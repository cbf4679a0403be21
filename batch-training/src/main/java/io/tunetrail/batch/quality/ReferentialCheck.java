package io.tunetrail.batch.quality;

import io.tunetrail.model.PlatformConfig;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code referential}: landed interactions whose {@code (org_id, track_id)} is not in PostgreSQL's catalog, as a share
 * of all landed interactions, against {@code quality.referential.max-orphan-ratio}. Such events train models on
 * tracks the API cannot name.
 */
final class ReferentialCheck implements QualityCheck {
    static final String NAME = "referential";
    private static final String SUBJECT = "delta:interactions -> postgres:tracks";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) {
        double limit = ctx.config().getDouble(PlatformConfig.QUALITY_ORPHAN_MAX_RATIO);
        Dataset<Row> interactions = ctx.delta("interactions").orElse(null);
        if (interactions == null) {
            return List.of(new CheckResult(NAME, SUBJECT, false, null, limit, "interactions does not exist at "
                    + ctx.location("interactions") + "; land the topics (./tunetrail land)"));
        }
        Dataset<Row> catalog = ctx.postgres("SELECT org_id, track_id FROM tracks");
        Dataset<Row> keys = interactions.select("org_id", "track_id");
        long total = keys.count();
        Dataset<Row> orphans = keys.join(catalog,
                scala.collection.JavaConverters.asScalaBuffer(List.of("org_id", "track_id")).toList(), "left_anti").cache();
        try {
            long missing = orphans.count();
            double ratio = total == 0 ? 0 : (double) missing / total;
            String example = missing == 0 ? "" : "; e.g. " + orphans.first().getString(0) + "/" + orphans.first().getString(1)
                    + ": load the catalog (./tunetrail import or generate) before the events";
            return List.of(CheckResult.atMost(NAME, SUBJECT, ratio, limit,
                    String.format("%,d of %,d interactions name a track missing from the catalog (%.4f, limit %.4f)%s",
                            missing, total, ratio, limit, example)));
        } finally {
            orphans.unpersist();
        }
    }
}
