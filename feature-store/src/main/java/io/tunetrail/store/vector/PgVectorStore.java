package io.tunetrail.store.vector;

import com.pgvector.PGvector;
import io.tunetrail.store.Database;
import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The {@link VectorStore} on PostgreSQL with pgvector: table {@code track_embeddings}, HNSW index with cosine ops.
 *
 * <p>The HNSW index spans all orgs, so a search walks the graph and drops other orgs' rows as it goes. Orgs with at
 * most {@value #EXACT_UP_TO} embeddings skip the index: an exact scan of their rows is cheaper than a walk that
 * mostly meets other orgs' rows, and exact. For larger orgs two settings keep the filtered walk complete:
 * {@code hnsw.ef_search} is raised above the default 40 (at least {@code minEfSearch}, and twice k), and
 * {@code hnsw.iterative_scan = strict_order} (pgvector 0.8) lets the walk continue until k rows pass the filter.
 * Should it still come back short, the search is repeated exactly over the org's rows.
 *
 * <p>Writes are bounded by HNSW maintenance: about 1,000 new vectors per second on 2 cores (unchanged vectors are
 * skipped and cost nearly nothing).
 *
 * <p>The dimension is read from the column when the store is created. Holds only the {@link DataSource}.
 */
public final class PgVectorStore implements VectorStore {
    /** pgvector's upper limit for {@code hnsw.ef_search}. */
    private static final int MAX_EF_SEARCH = 1000;
    private static final int BATCH = 1000;
    /**
     * Orgs with at most this many embeddings are searched exactly. Measured on 2 cores, dim 32: an exact top-10 costs
     * about 0.6 µs per row (3 ms here), while a filtered HNSW walk for an org holding 1% of the index took 14 ms.
     */
    static final int EXACT_UP_TO = 5_000;
    private static final long SIZE_CACHE_NANOS = TimeUnit.MINUTES.toNanos(5);

    private static final String UPSERT = "INSERT INTO track_embeddings AS t (org_id, track_id, embedding, model_version) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT (org_id, track_id) DO UPDATE SET embedding = EXCLUDED.embedding, "
            + "model_version = EXCLUDED.model_version "
            + "WHERE (t.embedding, t.model_version) IS DISTINCT FROM (EXCLUDED.embedding, EXCLUDED.model_version)";
    // ORDER BY the operator expression itself: that is what lets the planner use the HNSW index.
    private static final String NEAREST = "SELECT track_id, embedding <=> ? AS distance FROM track_embeddings "
            + "WHERE org_id = ? AND NOT (track_id = ANY (?)) ORDER BY embedding <=> ? LIMIT ?";
    // "+ 0" hides the operator from the index: an exact top-k over the org's rows, found through the primary key.
    private static final String NEAREST_EXACT = "SELECT track_id, embedding <=> ? AS distance FROM track_embeddings "
            + "WHERE org_id = ? AND NOT (track_id = ANY (?)) ORDER BY (embedding <=> ?) + 0, track_id LIMIT ?";

    private final DataSource dataSource;
    private final int dimension;
    private final int minEfSearch;
    private final boolean forceIndex;
    /** Whether an org is small enough for exact search, by org, with when it was checked. */
    private final Map<String, OrgSize> orgSizes = new ConcurrentHashMap<>();

    private record OrgSize(boolean small, long checkedAtNanos) {}

    /** A store with {@code hnsw.ef_search} of at least 100. */
    public PgVectorStore(DataSource dataSource) {
        this(dataSource, 100);
    }

    /** A store with {@code hnsw.ef_search} of at least {@code minEfSearch} (higher: better recall, slower). */
    public PgVectorStore(DataSource dataSource, int minEfSearch) {
        this(dataSource, minEfSearch, false);
    }

    /**
     * For tests: {@code forceIndex} makes the planner take the HNSW index even where an exact scan is cheaper (small
     * tables), so the approximate path can be tested on a few thousand rows.
     */
    PgVectorStore(DataSource dataSource, int minEfSearch, boolean forceIndex) {
        this.forceIndex = forceIndex;
        if (minEfSearch < 1 || minEfSearch > MAX_EF_SEARCH) {
            throw StoreException.invalid("minEfSearch " + minEfSearch + " is outside 1.." + MAX_EF_SEARCH, "pgvector accepts 1..1000");
        }
        this.dataSource = dataSource;
        this.minEfSearch = minEfSearch;
        this.dimension = Database.embeddingDimension(dataSource).orElseThrow(() -> StoreException.invalid(
                "the database has no track_embeddings table", "Run the migrations first (Database.migrate)"));
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int upsert(String orgId, List<TrackEmbedding> embeddings) {
        Ids.require("org id", orgId);
        for (TrackEmbedding e : embeddings) {
            check(e.vector(), "the embedding of track " + e.trackId());
            if (e.modelVersion() != null) {
                Ids.requireModelVersion(e.modelVersion());
            }
        }
        try (Connection c = dataSource.getConnection()) {
            PGvector.addVectorType(c);
            return Database.inTransaction(c, conn -> {
                int changed = 0;
                try (PreparedStatement ps = conn.prepareStatement(UPSERT)) {
                    for (int i = 0; i < embeddings.size(); i++) {
                        TrackEmbedding e = embeddings.get(i);
                        ps.setString(1, orgId);
                        ps.setString(2, e.trackId());
                        ps.setObject(3, new PGvector(e.vector()));
                        ps.setString(4, e.modelVersion());
                        ps.addBatch();
                        if ((i + 1) % BATCH == 0 || i + 1 == embeddings.size()) {
                            for (int n : ps.executeBatch()) {
                                changed += Math.max(n, 0);
                            }
                        }
                    }
                }
                return changed;
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("writing " + embeddings.size() + " embeddings of org " + orgId, unwrapBatch(e));
        }
    }

    @Override
    public Optional<TrackEmbedding> embedding(String orgId, String trackId) {
        Ids.require("org id", orgId);
        Ids.require("track id", trackId);
        String sql = "SELECT embedding, model_version FROM track_embeddings WHERE org_id = ? AND track_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            PGvector.addVectorType(c);
            ps.setString(1, orgId);
            ps.setString(2, trackId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new TrackEmbedding(trackId, ((PGvector) rs.getObject(1)).toArray(), rs.getString(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the embedding of track " + trackId + " of org " + orgId, e);
        }
    }

    @Override
    public List<Neighbour> nearest(String orgId, float[] query, int k, Set<String> excludeTrackIds) {
        Ids.require("org id", orgId);
        check(query, "the query vector");
        if (k < 1 || k > MAX_EF_SEARCH) {
            throw StoreException.invalid("k = " + k + " is outside 1.." + MAX_EF_SEARCH, "Ask for 1 to 1000 neighbours");
        }
        try (Connection c = dataSource.getConnection()) {
            // A small org's rows are a sliver of the shared graph: the filtered walk would visit many other orgs' rows
            // for each of its own, while an exact scan of its few rows is cheap and exact.
            if (!forceIndex && isSmall(c, orgId)) {
                return search(c, NEAREST_EXACT, orgId, query, k, excludeTrackIds);
            }
            List<Neighbour> found = search(c, NEAREST, orgId, query, k, excludeTrackIds);
            return found.size() < k ? search(c, NEAREST_EXACT, orgId, query, k, excludeTrackIds) : found;
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("searching the embeddings of org " + orgId, e);
        }
    }

    /** Whether the org has at most {@link #EXACT_UP_TO} embeddings; checked with a bounded count, cached for minutes. */
    private boolean isSmall(Connection c, String orgId) throws SQLException {
        long now = System.nanoTime();
        OrgSize cached = orgSizes.get(orgId);
        if (cached != null && now - cached.checkedAtNanos() < SIZE_CACHE_NANOS) {
            return cached.small();
        }
        String sql = "SELECT count(*) FROM (SELECT 1 FROM track_embeddings WHERE org_id = ? LIMIT " + (EXACT_UP_TO + 1) + ") x";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean small = rs.getLong(1) <= EXACT_UP_TO;
                orgSizes.put(orgId, new OrgSize(small, now));
                return small;
            }
        }
    }

    /** The first step of {@link #nearest} alone, without the exact fallback: what recall measurements must see. */
    List<Neighbour> nearestWithoutFallback(String orgId, float[] query, int k) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return search(c, NEAREST, orgId, query, k, Set.of());
        }
    }

    @Override
    public List<Neighbour> nearestToTrack(String orgId, String trackId, int k, Set<String> excludeTrackIds) {
        Optional<TrackEmbedding> seed = embedding(orgId, trackId);
        if (seed.isEmpty()) {
            return List.of();
        }
        Set<String> exclude = new HashSet<>(excludeTrackIds);
        exclude.add(trackId);
        return nearest(orgId, seed.get().vector(), k, exclude);
    }

    /** The plan of the approximate search, for tests that must know the HNSW index is really used. */
    String explainNearest(String orgId, float[] query, int k) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return run(c, "EXPLAIN " + NEAREST, orgId, query, k, Set.of(), rs -> {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
                return plan.toString();
            });
        }
    }

    private List<Neighbour> search(Connection c, String sql, String orgId, float[] query, int k, Set<String> exclude)
            throws SQLException {
        return run(c, sql, orgId, query, k, exclude, rs -> {
            List<Neighbour> out = new ArrayList<>(k);
            while (rs.next()) {
                out.add(new Neighbour(rs.getString(1), rs.getDouble(2)));
            }
            return out;
        });
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T run(Connection c, String sql, String orgId, float[] query, int k, Set<String> exclude, Reader<T> reader)
            throws SQLException {
        // SET LOCAL semantics (set_config(..., true)) need a transaction, and keep the settings off pooled connections.
        return Database.inTransaction(c, conn -> {
            try (PreparedStatement set = conn.prepareStatement("SELECT set_config('hnsw.ef_search', ?, true), "
                    + "set_config('hnsw.iterative_scan', 'strict_order', true), set_config('enable_sort', ?, true)")) {
                set.setString(1, Integer.toString(Math.min(MAX_EF_SEARCH, Math.max(minEfSearch, 2 * k))));
                // Without a sort, the only ordered plan left is the HNSW index scan.
                set.setString(2, forceIndex && sql.contains(NEAREST) ? "off" : "on");
                set.executeQuery().close();
            }
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                PGvector vector = new PGvector(query);
                ps.setObject(1, vector);
                ps.setString(2, orgId);
                ps.setArray(3, conn.createArrayOf("text", exclude.toArray()));
                ps.setObject(4, vector);
                ps.setInt(5, k);
                try (ResultSet rs = ps.executeQuery()) {
                    return reader.read(rs);
                }
            }
        });
    }

    private void check(float[] vector, String what) {
        if (vector.length != dimension) {
            throw StoreException.wrongDimension(dimension, vector.length, what);
        }
        boolean nonZero = false;
        for (float f : vector) {
            if (!Float.isFinite(f)) {
                throw StoreException.invalid(what + " has a component " + f, "Every component must be a finite number");
            }
            nonZero |= f != 0;
        }
        if (!nonZero) {
            throw StoreException.invalid(what + " is the zero vector", "Cosine distance is undefined for it; skip the track");
        }
    }

    /** A failed batch hides the server's message in the next exception; that one says which row and why. */
    private static SQLException unwrapBatch(SQLException e) {
        return e.getNextException() != null ? e.getNextException() : e;
    }
}
