package io.tunetrail.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench vector}: pgvector's HNSW index against the exact scan it approximates, in the same database
 * and the same run. Both answer the same queries over the same table; the exact scan's answers are the ground truth for
 * recall@10. The vectors are L2-normalised draws around cluster centres (the shape of the platform's embeddings, which
 * group by genre and sound), searched by cosine distance with the index parameters the platform's migration uses.
 */
@Command(name = "vector", mixinStandardHelpOptions = true,
        description = {"pgvector HNSW top-10 vs the exact scan in the same database: queries/s and recall@10 at",
            "several hnsw.ef_search values. Needs the local stack's PostgreSQL (or any with pgvector).",
            "Prints a table, then one JSON line (hnsw_vs_exact_qps_ratio at the first ef_search with",
            "recall@10 >= 0.95)."})
public final class VectorBenchCommand implements Callable<Integer> {
    /** The recall the comparison asks of the index before its speed counts. */
    static final double RECALL_TARGET = 0.95;
    private static final int K = 10;

    @Option(names = "--vectors", defaultValue = "100000", description = "Vectors in the table (default 100000).")
    int vectors;

    @Option(names = "--dimension", description = "Vector dimension (default: the configured embedding.dimension).")
    Integer dimension;

    @Option(names = "--queries", defaultValue = "200", description = "Queries per measurement (default 200).")
    int queries;

    @Option(names = "--ef-search", split = ",", defaultValue = "10,20,40,80,160",
            description = "hnsw.ef_search values to measure (default 10,20,40,80,160).")
    List<Integer> efSearch;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per measurement; the median is reported (default 3).")
    int rounds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the vectors and queries.")
    long seed;

    @Override
    public Integer call() throws Exception {
        PlatformConfig config = PlatformConfig.load();
        int dim = dimension != null ? dimension : config.getInt(PlatformConfig.EMBEDDING_DIMENSION);
        if (vectors < 1000 || queries < 10 || rounds < 1 || dim < 2 || dim > 2000 || efSearch.stream().anyMatch(e -> e < K || e > 1000)) {
            throw CliError.usage("bad bench vector options: need --vectors >= 1000, --queries >= 10, --rounds >= 1,"
                    + " 2 <= dimension <= 2000 and every --ef-search in [10, 1000]", "see ./tunetrail bench vector --help");
        }
        String table = "bench_vectors_" + UUID.randomUUID().toString().substring(0, 8);
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = gaussian(random, Math.max(10, vectors / 1000), dim, 1.0);
        float[][] queryVectors = around(random, centres, queries, dim);
        try (HikariDataSource ds = Database.connect(config, 2); Connection c = ds.getConnection()) {
            try {
                long t0 = System.nanoTime();
                load(c, table, random, centres, dim);
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                try (Statement s = c.createStatement()) {
                    s.execute("SET maintenance_work_mem = '512MB'");
                    s.execute("CREATE INDEX ON " + table + " USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
                    s.execute("ANALYZE " + table);
                }
                double indexSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%d vectors of dimension %d loaded in %.1f s, HNSW (m 16, ef_construction 64) built in %.1f s%n",
                        vectors, dim, loadSeconds, indexSeconds);

                Measured exact = measure(c, table, queryVectors, null);
                System.out.printf(Locale.ROOT, "%-22s %12s %12s%n", "search", "queries/s", "recall@10");
                System.out.printf(Locale.ROOT, "%-22s %12.1f %12.3f%n", "exact scan", exact.qps(), 1.0);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("bench", "vector");
                json.put("vectors", vectors);
                json.put("dimension", dim);
                json.put("queries", queries);
                json.put("rounds", rounds);
                json.put("index_build_seconds", round(indexSeconds));
                json.put("exact_qps", round(exact.qps()));
                Integer chosen = null;
                Measured chosenRun = null;
                for (int ef : efSearch) {
                    Measured hnsw = measure(c, table, queryVectors, ef);
                    double recall = recallAtK(exact.answers(), hnsw.answers());
                    System.out.printf(Locale.ROOT, "%-22s %12.1f %12.3f%n", "hnsw ef_search=" + ef, hnsw.qps(), recall);
                    json.put("hnsw_ef" + ef + "_qps", round(hnsw.qps()));
                    json.put("hnsw_ef" + ef + "_recall_at_10", round(recall));
                    json.put("hnsw_ef" + ef + "_vs_exact_qps_ratio", round(hnsw.qps() / exact.qps()));
                    if (chosen == null && recall >= RECALL_TARGET) {
                        chosen = ef;
                        chosenRun = hnsw;
                    }
                }
                if (chosen == null) {
                    System.out.printf(Locale.ROOT, "no ef_search reached recall@10 %.2f: try larger --ef-search values%n", RECALL_TARGET);
                } else {
                    double ratio = chosenRun.qps() / exact.qps();
                    System.out.printf(Locale.ROOT, "first ef_search with recall@10 >= %.2f: %d, %.1fx the exact scan's queries/s%n",
                            RECALL_TARGET, chosen, ratio);
                    json.put("ef_search_at_recall_target", chosen);
                    json.put("hnsw_vs_exact_qps_ratio", round(ratio));
                }
                System.out.println(new ObjectMapper().writeValueAsString(json));
                return chosen == null ? 1 : 0;
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        } catch (SQLException e) {
            throw CliError.environment("bench vector could not use PostgreSQL", e.getMessage(),
                    "start the local stack (./tunetrail stack start) or point postgres.* at a PostgreSQL with pgvector");
        }
    }

    /** One run of all queries: the median queries/s over the rounds, and the ids each query answered (last round). */
    record Measured(double qps, List<long[]> answers) {}

    private Measured measure(Connection c, String table, float[][] queryVectors, Integer ef) throws SQLException {
        double[] qps = new double[rounds];
        List<long[]> answers = new ArrayList<>();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement();
                PreparedStatement q = c.prepareStatement("SELECT id FROM " + table + " ORDER BY embedding <=> ?::vector LIMIT " + K)) {
            if (ef == null) {
                // The exact scan: the planner may not use the index, so every row's distance is computed.
                s.execute("SET LOCAL enable_indexscan = off");
            } else {
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL hnsw.ef_search = " + ef);
            }
            // One untimed pass first: the first queries after a change of settings pay for cold pages and plans.
            for (int r = -1; r < rounds; r++) {
                answers.clear();
                long t0 = System.nanoTime();
                for (float[] v : queryVectors) {
                    q.setString(1, literal(v));
                    long[] ids = new long[K];
                    int n = 0;
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            ids[n++] = rs.getLong(1);
                        }
                    }
                    answers.add(Arrays.copyOf(ids, n));
                }
                if (r >= 0) {
                    qps[r] = queryVectors.length / ((System.nanoTime() - t0) / 1e9);
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(autoCommit);
        }
        Arrays.sort(qps);
        return new Measured(qps[rounds / 2], List.copyOf(answers));
    }

    /** Mean over queries of the share of the exact top-k that the approximate answer found. */
    static double recallAtK(List<long[]> exact, List<long[]> approximate) {
        double sum = 0;
        for (int i = 0; i < exact.size(); i++) {
            long[] truth = exact.get(i);
            long[] got = approximate.get(i);
            int hits = 0;
            for (long t : truth) {
                for (long g : got) {
                    if (g == t) {
                        hits++;
                        break;
                    }
                }
            }
            sum += truth.length == 0 ? 1.0 : (double) hits / truth.length;
        }
        return exact.isEmpty() ? 0 : sum / exact.size();
    }

    private void load(Connection c, String table, SplittableRandom random, float[][] centres, int dim) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, embedding vector(" + dim + ") NOT NULL)");
        }
        int batch = 10_000;
        try {
            for (int start = 0; start < vectors; start += batch) {
                int n = Math.min(batch, vectors - start);
                float[][] chunk = around(random, centres, n, dim);
                StringBuilder text = new StringBuilder(n * dim * 12);
                for (int i = 0; i < n; i++) {
                    text.append(start + i).append('\t').append(literal(chunk[i])).append('\n');
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (id, embedding) FROM STDIN", new StringReader(text.toString()));
            }
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into " + table + " failed", e);
        }
    }

    /** Points around random centres (spread 0.35 of a centre's scale), L2-normalised as the platform's embeddings are. */
    static float[][] around(SplittableRandom random, float[][] centres, int n, int dim) {
        float[][] noise = gaussian(random, n, dim, 0.35);
        for (int i = 0; i < n; i++) {
            float[] centre = centres[random.nextInt(centres.length)];
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                noise[i][d] += centre[d];
                norm += noise[i][d] * noise[i][d];
            }
            float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
            for (int d = 0; d < dim; d++) {
                noise[i][d] *= inv;
            }
        }
        return noise;
    }

    private static float[][] gaussian(SplittableRandom random, int n, int dim, double sd) {
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d += 2) {
                // Box-Muller: two normal draws per pair of uniforms.
                double u = 1 - random.nextDouble();
                double r = Math.sqrt(-2 * Math.log(u)) * sd;
                double a = 2 * Math.PI * random.nextDouble();
                out[i][d] = (float) (r * Math.cos(a));
                if (d + 1 < dim) {
                    out[i][d + 1] = (float) (r * Math.sin(a));
                }
            }
        }
        return out;
    }

    private static String literal(float[] v) {
        StringBuilder b = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(v[i]);
        }
        return b.append(']').toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
