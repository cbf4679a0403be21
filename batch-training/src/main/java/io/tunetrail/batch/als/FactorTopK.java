package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Full-ranking top-k by dot product (or cosine) of factor vectors: every query vector against every candidate vector,
 * excluding a per-query set of candidate ids.
 *
 * <p>The candidates (one org's tracks or listeners: thousands to a few million vectors of a few dozen floats) are
 * broadcast to the executors once; the queries stay distributed and each partition ranks its own with a bounded heap.
 * That is exact (no approximate neighbour search) and costs queries × candidates × rank multiply-adds, spread over the
 * cluster. Used for recommendations (listener · track), user similarity (listener · listener, cosine) and evaluation.
 */
public final class FactorTopK {
    private FactorTopK() {}

    /**
     * Top {@code k} candidates per query.
     *
     * @param queries rows of {@code queryId} (string), {@code features} (array of float) and, when
     *     {@code excludeColumn} is not null, that column: an array of candidate ids not to return for this query
     * @param candidates rows of {@code candidateId} (string) and {@code features} (array of float)
     * @param cosine rank by cosine similarity instead of the raw dot product
     * @return {@code queryId, rank (1 = best), candidateId, score}
     */
    public static Dataset<Row> topK(Dataset<Row> queries, String queryId, String excludeColumn,
            Dataset<Row> candidates, String candidateId, int k, boolean cosine) {
        List<Row> rows = candidates.select(col(candidateId), col("features")).collectAsList();
        String[] ids = new String[rows.size()];
        float[][] vectors = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            ids[i] = rows.get(i).getString(0);
            vectors[i] = toFloats(rows.get(i).getList(1));
            if (cosine) {
                normalise(vectors[i]);
            }
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(queries.sparkSession().sparkContext());
        Broadcast<String[]> idsB = jsc.broadcast(ids);
        Broadcast<float[][]> vectorsB = jsc.broadcast(vectors);
        StructType schema = new StructType()
                .add(queryId, DataTypes.StringType, false)
                .add("rank", DataTypes.IntegerType, false)
                .add(candidateId, DataTypes.StringType, false)
                .add("score", DataTypes.DoubleType, false);
        Dataset<Row> input = excludeColumn == null
                ? queries.select(col(queryId), col("features"))
                : queries.select(col(queryId), col("features"), col(excludeColumn));
        boolean hasExclusions = excludeColumn != null;
        MapPartitionsFunction<Row, Row> rank = it -> {
            String[] cIds = idsB.value();
            float[][] cVectors = vectorsB.value();
            Map<String, Integer> index = null;
            List<Row> out = new ArrayList<>();
            while (it.hasNext()) {
                Row q = it.next();
                float[] v = toFloats(q.getList(1));
                if (cosine) {
                    normalise(v);
                }
                Set<Integer> excluded = Set.of();
                if (hasExclusions && !q.isNullAt(2)) {
                    if (index == null) {
                        index = new HashMap<>(cIds.length * 2);
                        for (int i = 0; i < cIds.length; i++) {
                            index.put(cIds[i], i);
                        }
                    }
                    excluded = new HashSet<>();
                    for (Object id : q.getList(2)) {
                        Integer i = index.get((String) id);
                        if (i != null) {
                            excluded.add(i);
                        }
                    }
                }
                int[] best = best(v, cVectors, excluded, k);
                for (int r = 0; r < best.length; r++) {
                    out.add(RowFactory.create(q.getString(0), r + 1, cIds[best[r]], (double) dot(v, cVectors[best[r]])));
                }
            }
            return out.iterator();
        };
        return input.mapPartitions(rank, Encoders.row(schema));
    }

    /** Indices of the k highest dot products, best first; ties broken by the lower index (deterministic). */
    static int[] best(float[] v, float[][] candidates, Set<Integer> excluded, int k) {
        PriorityQueue<double[]> heap = new PriorityQueue<>(k + 1, (a, b) -> a[0] != b[0]
                ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
        for (int i = 0; i < candidates.length; i++) {
            if (excluded.contains(i)) {
                continue;
            }
            double s = dot(v, candidates[i]);
            if (heap.size() < k) {
                heap.add(new double[] {s, i});
            } else if (s > heap.peek()[0]) {
                heap.poll();
                heap.add(new double[] {s, i});
            }
        }
        int[] out = new int[heap.size()];
        for (int r = out.length - 1; r >= 0; r--) {
            out[r] = (int) heap.poll()[1];
        }
        return out;
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static void normalise(float[] v) {
        double n = Math.sqrt(dot(v, v));
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / n);
            }
        }
    }

    static float[] toFloats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }
}
