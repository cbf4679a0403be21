package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;

import io.tunetrail.model.PlatformConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Implicit ALS for many orgs at once, each org by the solver its size calls for: an org with at most
 * {@code batch.als.in-memory-max-preferences} preferences is solved in memory inside one Spark task
 * ({@link InMemoryAls}: conjugate gradient, BLAS, {@code batch.als.in-memory-threads} threads), all such orgs in one
 * stage, one org per task; a bigger org goes to MLlib's distributed block ALS ({@link ImplicitAls}).
 *
 * <p>Most orgs' matrices fit in one executor; distributing them costs shuffles and task overhead worth several times
 * the solve itself. Both solvers minimise the same objective, so the choice changes the cost, not the model's quality.
 */
public final class OrgAls {
    /** The solver that fitted an org's model, as the registry records it ({@code input_snapshot.solver}). */
    public enum Solver {
        IN_MEMORY_CG("in-memory-cg"), MLLIB("mllib-block-als");

        private final String wireName;

        Solver(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    static final StructType FACTORS = new StructType()
            .add("org_id", DataTypes.StringType, false)
            .add("side", DataTypes.StringType, false)
            .add("id", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final AlsParams params;
    private final long maxInMemoryPreferences;
    private final int threads;

    /**
     * @param maxInMemoryPreferences the biggest org (in preferences) solved in memory; 0 sends every org to MLlib
     * @param threads threads of one in-memory fit; 0 for all the executor's processors
     */
    public OrgAls(AlsParams params, long maxInMemoryPreferences, int threads) {
        if (maxInMemoryPreferences < 0 || threads < 0) {
            throw new IllegalArgumentException("in-memory ALS needs max preferences >= 0 and threads >= 0, got "
                    + maxInMemoryPreferences + " and " + threads);
        }
        this.params = params;
        this.maxInMemoryPreferences = maxInMemoryPreferences;
        this.threads = threads;
    }

    /** {@code params} with the solver choice the configuration describes. */
    public static OrgAls from(PlatformConfig config, AlsParams params) {
        return new OrgAls(params, config.getLong(PlatformConfig.ALS_IN_MEMORY_MAX_PREFERENCES),
                config.getInt(PlatformConfig.ALS_IN_MEMORY_THREADS));
    }

    /** The solver an org of this many preferences gets. */
    public Solver solverFor(long preferences) {
        return preferences <= maxInMemoryPreferences ? Solver.IN_MEMORY_CG : Solver.MLLIB;
    }

    /**
     * Fits every org of {@code prefs} ({@code org_id, user_id, track_id, preference}). The in-memory orgs are solved
     * here (their factors cached); the MLlib ones too, one after another.
     */
    public Fitted fit(Dataset<Row> prefs) {
        Map<String, Long> sizes = new TreeMap<>();
        for (Row r : prefs.groupBy("org_id").count().collectAsList()) {
            sizes.put(r.getString(0), r.getLong(1));
        }
        Map<String, Solver> solvers = new LinkedHashMap<>();
        sizes.forEach((org, n) -> solvers.put(org, solverFor(n)));
        List<String> small = solvers.entrySet().stream().filter(e -> e.getValue() == Solver.IN_MEMORY_CG)
                .map(Map.Entry::getKey).toList();
        Dataset<Row> inMemory = null;
        if (!small.isEmpty()) {
            inMemory = solveInMemory(prefs.filter(col("org_id").isin(small.toArray())), small).cache();
            inMemory.count();
        }
        Map<String, ImplicitAls.Factors> distributed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Solver> e : solvers.entrySet()) {
                if (e.getValue() == Solver.MLLIB) {
                    ImplicitAls.Factors f = new ImplicitAls(params)
                            .fit(prefs.filter(col("org_id").equalTo(e.getKey()))).cache();
                    f.users().count();
                    distributed.put(e.getKey(), f);
                }
            }
        } catch (RuntimeException e) {
            new Fitted(solvers, sizes, inMemory, distributed).unpersist();
            throw e;
        }
        return new Fitted(solvers, sizes, inMemory, distributed);
    }

    /**
     * One task per org (an exact partitioner, so two big orgs never share a task), factors as rows of FACTORS. Each
     * input partition sends an org's preferences as one {@link Chunk} rather than a row each: the shuffle's Java
     * serialisation of a row apiece (a tuple, a row object and its boxed fields) cost more than the org's fit.
     */
    private Dataset<Row> solveInMemory(Dataset<Row> prefs, List<String> orgs) {
        Map<String, Integer> slots = new java.util.HashMap<>();
        for (String org : orgs) {
            slots.put(org, slots.size());
        }
        AlsParams p = params;
        int t = threads;
        JavaRDD<Row> rows = prefs.select(col("org_id"), col("user_id"), col("track_id"),
                        col(Preferences.PREFERENCE).cast("float")).javaRDD()
                .mapPartitionsToPair(OrgAls::chunksByOrg)
                .partitionBy(new OrgPartitioner(slots))
                .mapPartitions(it -> solvePartition(it, p, t));
        return prefs.sparkSession().createDataFrame(rows, FACTORS);
    }

    /** Some of one org's preferences: entry k is (users[k], tracks[k], values[k]). */
    record Chunk(String[] users, String[] tracks, float[] values) implements Serializable {}

    /** One input partition's rows ({@code org_id, user_id, track_id, preference}) as one chunk per org. */
    private static Iterator<Tuple2<String, Chunk>> chunksByOrg(Iterator<Row> it) {
        Map<String, List<Row>> byOrg = new LinkedHashMap<>();
        while (it.hasNext()) {
            Row r = it.next();
            byOrg.computeIfAbsent(r.getString(0), org -> new ArrayList<>()).add(r);
        }
        List<Tuple2<String, Chunk>> out = new ArrayList<>(byOrg.size());
        byOrg.forEach((org, rows) -> {
            String[] users = new String[rows.size()];
            String[] tracks = new String[rows.size()];
            float[] values = new float[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                users[k] = rows.get(k).getString(1);
                tracks[k] = rows.get(k).getString(2);
                values[k] = rows.get(k).getFloat(3);
            }
            out.add(new Tuple2<>(org, new Chunk(users, tracks, values)));
        });
        return out.iterator();
    }

    private static Iterator<Row> solvePartition(Iterator<Tuple2<String, Chunk>> it, AlsParams params, int threads) {
        List<Chunk> chunks = new ArrayList<>();
        String org = null;
        int size = 0;
        while (it.hasNext()) {
            Tuple2<String, Chunk> c = it.next();
            org = c._1();
            chunks.add(c._2());
            size += c._2().values().length;
        }
        if (org == null) {
            return java.util.Collections.emptyIterator();
        }
        String[] users = new String[size];
        String[] tracks = new String[size];
        float[] values = new float[size];
        int at = 0;
        for (Chunk c : chunks) {
            int n = c.values().length;
            System.arraycopy(c.users(), 0, users, at, n);
            System.arraycopy(c.tracks(), 0, tracks, at, n);
            System.arraycopy(c.values(), 0, values, at, n);
            at += n;
        }
        chunks.clear();
        // Shuffles deliver chunks in no fixed order; sorted, a fit numbers (and so initialises) ids the same every run.
        Integer[] order = new Integer[size];
        for (int k = 0; k < size; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, Comparator.comparing((Integer k) -> users[k]).thenComparing(k -> tracks[k]));
        List<String> sortedUsers = new ArrayList<>(size);
        List<String> sortedItems = new ArrayList<>(size);
        float[] sortedValues = new float[size];
        for (int k = 0; k < size; k++) {
            sortedUsers.add(users[order[k]]);
            sortedItems.add(tracks[order[k]]);
            sortedValues[k] = values[order[k]];
        }
        InMemoryAls.Model m = new InMemoryAls(params, threads).fit(sortedUsers, sortedItems, sortedValues);
        List<Row> out = new ArrayList<>(m.userIds().size() + m.itemIds().size());
        for (int n = 0; n < m.userIds().size(); n++) {
            out.add(RowFactory.create(org, "user", m.userIds().get(n), boxed(m.userFactors(), n, m.rank())));
        }
        for (int n = 0; n < m.itemIds().size(); n++) {
            out.add(RowFactory.create(org, "track", m.itemIds().get(n), boxed(m.itemFactors(), n, m.rank())));
        }
        return out.iterator();
    }

    /** Row {@code n} of a factor matrix (see {@link InMemoryAls.Model}), boxed as Spark's array column needs. */
    private static Float[] boxed(float[] factors, int n, int rank) {
        Float[] out = new Float[rank];
        for (int d = 0; d < rank; d++) {
            out[d] = factors[n * rank + d];
        }
        return out;
    }

    /** Each org to a partition of its own. */
    static final class OrgPartitioner extends Partitioner implements Serializable {
        private final Map<String, Integer> slots;

        OrgPartitioner(Map<String, Integer> slots) {
            this.slots = slots;
        }

        @Override
        public int numPartitions() {
            return Math.max(1, slots.size());
        }

        @Override
        public int getPartition(Object key) {
            return slots.get((String) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OrgPartitioner other && other.slots.equals(slots);
        }

        @Override
        public int hashCode() {
            return slots.hashCode();
        }
    }

    /** The factors of every org of one {@link #fit}, and the solver each org got. */
    public static final class Fitted {
        private final Map<String, Solver> solvers;
        private final Map<String, Long> sizes;
        private final Dataset<Row> inMemory;
        private final Map<String, ImplicitAls.Factors> distributed;

        Fitted(Map<String, Solver> solvers, Map<String, Long> sizes, Dataset<Row> inMemory,
                Map<String, ImplicitAls.Factors> distributed) {
            this.solvers = solvers;
            this.sizes = sizes;
            this.inMemory = inMemory;
            this.distributed = distributed;
        }

        /** The orgs fitted, sorted. */
        public List<String> orgs() {
            return List.copyOf(solvers.keySet());
        }

        public Solver solver(String org) {
            Solver s = solvers.get(org);
            if (s == null) {
                throw new IllegalArgumentException("org " + org + " had no preferences in this fit");
            }
            return s;
        }

        /** The org's number of preferences, the size the solver was chosen by. */
        public long preferences(String org) {
            solver(org);
            return sizes.get(org);
        }

        /** The org's factors ({@code user_id, features} and {@code track_id, features}), already computed. */
        public ImplicitAls.Factors factors(String org) {
            if (solver(org) == Solver.MLLIB) {
                return distributed.get(org);
            }
            Dataset<Row> mine = inMemory.filter(col("org_id").equalTo(org));
            return new ImplicitAls.Factors(
                    mine.filter(col("side").equalTo("user")).select(col("id").as("user_id"), col("features")),
                    mine.filter(col("side").equalTo("track")).select(col("id").as("track_id"), col("features")));
        }

        /** Releases the cached factors of every org. */
        public void unpersist() {
            if (inMemory != null) {
                inMemory.unpersist();
            }
            distributed.values().forEach(ImplicitAls.Factors::unpersist);
        }
    }
}
