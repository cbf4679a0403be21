package io.tunetrail.batch.costs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.costs.CostMeter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Tuple2;

/**
 * What each org keeps stored, for the cost meter's storage row of the day: its registered audio files (the sizes in
 * {@code track_audio}) and its rows in the offline store (the sizes of the live data files of its {@code org_id}
 * partitions, from each org-partitioned Delta table's log: files a newer version removed but VACUUM has not deleted
 * yet, the logs themselves and tables not partitioned by org are not counted).
 */
public final class StorageMeter {
    /** One org's stored bytes. */
    public record Stored(long bytesAudio, long bytesOffline) {}

    private StorageMeter() {}

    /** Per org of {@code organisations} (only {@code onlyOrg} when given), what it stores; orgs storing nothing are left out. */
    public static Map<String, Stored> measure(SparkSession spark, String storeRoot, DataSource db, Optional<String> onlyOrg) {
        Map<String, Long> audio = new TreeMap<>();
        List<String> orgs = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT o.org_id, coalesce(sum(a.size_bytes), 0) FROM organisations o "
                    + "LEFT JOIN track_audio a ON a.org_id = o.org_id WHERE ? IS NULL OR o.org_id = ? GROUP BY o.org_id")) {
                ps.setString(1, onlyOrg.orElse(null));
                ps.setString(2, onlyOrg.orElse(null));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        orgs.add(rs.getString(1));
                        audio.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the orgs' audio sizes", e);
        }
        Map<String, Long> offline = offlineBytes(spark, storeRoot);
        Map<String, Stored> out = new TreeMap<>();
        for (String org : orgs) {
            Stored s = new Stored(audio.get(org), offline.getOrDefault(org, 0L));
            if (s.bytesAudio() + s.bytesOffline() > 0) {
                out.put(org, s);
            }
        }
        return out;
    }

    /**
     * Records each org's storage of the day; a failure for one org does not stop the others.
     *
     * @return the orgs whose row could not be recorded, each with why
     */
    public static List<String> record(CostMeter meter, Map<String, Stored> stored) {
        List<String> failed = new ArrayList<>();
        stored.forEach((org, s) -> {
            try {
                meter.recordStorage(org, s.bytesAudio(), s.bytesOffline());
            } catch (RuntimeException e) {
                failed.add(org + " (" + e.getMessage() + ")");
            }
        });
        return failed;
    }

    /** Bytes of live data files per org, over every table of the layout whose first partition column is org_id. */
    static Map<String, Long> offlineBytes(SparkSession spark, String storeRoot) {
        Map<String, Long> bytes = new TreeMap<>();
        for (OfflineStoreLayout.Table t : OfflineStoreLayout.load().tables()) {
            if (t.partitionBy().isEmpty() || !t.partitionBy().get(0).equals("org_id")) {
                continue;
            }
            Tuple2<DeltaLog, Snapshot> table = DeltaLog.forTableWithSnapshot(spark, t.location(storeRoot));
            if (!table._1().tableExists()) {
                continue;
            }
            List<Row> perOrg = table._2().allFiles().toDF()
                    .groupBy(col("partitionValues").getItem("org_id").as("org_id")).agg(sum("size")).collectAsList();
            for (Row r : perOrg) {
                if (!r.isNullAt(0)) {
                    bytes.merge(r.getString(0), r.getLong(1), Long::sum);
                }
            }
        }
        return bytes;
    }
}
