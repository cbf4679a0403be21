package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.explode;

import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rolls a track's genres up to their top-level genres (the end of each genre's chain of parents), which is the level
 * genre correlations and genre trends are computed at: "rock" and its subgenre "alt-rock" on one track are one genre
 * there, not a pair.
 */
public final class TopGenres {
    /** {@code (org_id, genre_id, root_id)}: each genre with its top-level ancestor (itself for a top-level genre). */
    public static final StructType ROOTS = new StructType().add("org_id", DataTypes.StringType)
            .add("genre_id", DataTypes.StringType).add("root_id", DataTypes.StringType);

    private TopGenres() {}

    /** Each genre of every org with its top-level ancestor, from PostgreSQL's {@code genres} table. */
    public static Dataset<Row> roots(SparkSession spark, DataSource dataSource) {
        Map<List<String>, String> parents = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT org_id, genre_id, parent_genre_id FROM genres");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                parents.put(List.of(rs.getString(1), rs.getString(2)), rs.getString(3));
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the genre tree", e);
        }
        return spark.createDataFrame(roots(parents), ROOTS);
    }

    /** Walks each genre's parents up to a genre without one; a cycle (which the schema does not forbid) stops the walk. */
    static List<Row> roots(Map<List<String>, String> parents) {
        List<Row> out = new ArrayList<>(parents.size());
        for (Map.Entry<List<String>, String> e : parents.entrySet()) {
            String org = e.getKey().get(0);
            String genre = e.getKey().get(1);
            String root = genre;
            Set<String> seen = new HashSet<>();
            while (seen.add(root)) {
                String parent = parents.get(List.of(org, root));
                if (parent == null) {
                    break;
                }
                root = parent;
            }
            out.add(RowFactory.create(org, genre, root));
        }
        return out;
    }

    /**
     * Adds {@code top_genre_ids}: the distinct top-level genres of the track's {@code genres}, sorted; a genre the tree
     * does not know counts as top-level itself. Empty for a track without genres.
     */
    public static Dataset<Row> withTopGenres(Dataset<Row> catalogTracks, Dataset<Row> roots) {
        Dataset<Row> top = catalogTracks.select(col("org_id"), col("track_id"), explode(col("genres")).as("genre_id"))
                .join(roots, new String[] {"org_id", "genre_id"}, "left")
                .groupBy("org_id", "track_id")
                .agg(array_sort(collect_set(coalesce(col("root_id"), col("genre_id")))).as("top_genre_ids"));
        return catalogTracks.join(top, new String[] {"org_id", "track_id"}, "left")
                .withColumn("top_genre_ids", coalesce(col("top_genre_ids"), array().cast(DataTypes.createArrayType(DataTypes.StringType))));
    }
}
