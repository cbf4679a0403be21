package io.tunetrail.batch.marts;

import io.tunetrail.store.online.FeedbackRate;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.registry.ModelCanaries;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code mart_model_arms_daily}: the online outcome of every arm of the running A/B experiments ({@code ab_experiments},
 * each arm a model version) and canaries ({@code model_canaries}: the candidate and the active version), as the API
 * judges them ({@link FeedbackRate}: likes and playlist adds against dislikes and skips reported with the arm's
 * {@code model_version}). The counters live in the online store and keep no history, so each nightly run snapshots
 * them under its day: the rows of successive days are the outcome over time. An experiment arm counts all feedback
 * its version received (what {@code GET /api/v1/experiments/{id}/results} answers); a canary's active arm counts what
 * came after the canary started serving (what the canary decider judges).
 */
public final class ArmOutcomesMart {
    public static final String EXPERIMENT = "experiment";
    public static final String CANARY = "canary";

    private static final StructType SCHEMA = new StructType().add("org_id", DataTypes.StringType)
            .add("snapshot_date", DataTypes.DateType).add("test_kind", DataTypes.StringType).add("test_id", DataTypes.StringType)
            .add("test_name", DataTypes.StringType).add("test_started_at", DataTypes.TimestampType).add("arm", DataTypes.StringType)
            .add("model_version", DataTypes.StringType).add("share_percent", DataTypes.DoubleType)
            .add("positive", DataTypes.LongType).add("negative", DataTypes.LongType).add("judged", DataTypes.LongType)
            .add("positive_rate", DataTypes.DoubleType)
            .add("feedback", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("snapshot_at", DataTypes.TimestampType);

    /** One arm of a running test and the feedback counted for it so far. */
    public record Arm(String orgId, String testKind, String testId, String testName, Instant startedAt, String arm,
            String modelVersion, double sharePercent, Map<String, Long> feedback) {}

    private ArmOutcomesMart() {}

    /** The arms of the running experiments and canaries (of {@code org} only, when given) with their feedback now. */
    public static List<Arm> arms(DataSource dataSource, ModelCanaries canaries, OnlineStore online, Optional<String> org) {
        List<Arm> out = new ArrayList<>();
        for (ExperimentArm e : experimentArms(dataSource)) {
            if (org.isEmpty() || org.get().equals(e.orgId())) {
                out.add(new Arm(e.orgId(), EXPERIMENT, e.experimentId(), e.name(), e.createdAt(), e.arm(), e.modelVersion(),
                        e.totalWeight() == 0 ? 0.0 : 100.0 * e.weight() / e.totalWeight(), online.feedback(e.orgId(), e.modelVersion())));
            }
        }
        for (ModelCanaries.Canary c : canaries.running()) {
            if (org.isPresent() && !org.get().equals(c.orgId())) {
                continue;
            }
            ModelCanaries.Outcome o = canaries.outcome(c);
            String id = Long.toString(c.canaryId());
            out.add(new Arm(c.orgId(), CANARY, id, c.algorithm(), c.startedAt(), "candidate", o.candidate().version(), c.sharePercent(),
                    o.candidate().feedback()));
            out.add(new Arm(c.orgId(), CANARY, id, c.algorithm(), c.startedAt(), "active", o.active().version(), 100.0 - c.sharePercent(),
                    o.active().feedback()));
        }
        return out;
    }

    /** The mart's rows for {@code day}, counted at {@code at}. */
    public static Dataset<Row> rows(SparkSession spark, List<Arm> arms, LocalDate day, Instant at) {
        List<Row> rows = new ArrayList<>();
        for (Arm a : arms) {
            FeedbackRate rate = FeedbackRate.of(a.feedback());
            rows.add(RowFactory.create(a.orgId(), Date.valueOf(day), a.testKind(), a.testId(), a.testName(), Timestamp.from(a.startedAt()),
                    a.arm(), a.modelVersion(), a.sharePercent(), rate.positive(), rate.negative(), rate.judged(), rate.rate(),
                    new LinkedHashMap<>(a.feedback()),
                    Timestamp.from(at)));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    private record ExperimentArm(String orgId, String experimentId, String name, Instant createdAt, String arm, String modelVersion,
            long weight, long totalWeight) {}

    private static List<ExperimentArm> experimentArms(DataSource dataSource) {
        List<ExperimentArm> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT e.org_id, e.experiment_id, e.name, e.created_at, a.arm->>'name', a.arm->>'model_version', "
                        + "coalesce((a.arm->>'weight')::bigint, 0), sum(coalesce((a.arm->>'weight')::bigint, 0)) OVER (PARTITION BY e.org_id, e.experiment_id) "
                        + "FROM ab_experiments e CROSS JOIN LATERAL jsonb_array_elements(e.arms) WITH ORDINALITY AS a(arm, n) "
                        + "WHERE e.status = 'running' ORDER BY e.org_id, e.experiment_id, a.n");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ExperimentArm(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getLong(8)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the running A/B experiments failed: " + e.getMessage(), e);
        }
        return out;
    }
}
