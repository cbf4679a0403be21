package io.tunetrail.api.audio;

import io.tunetrail.api.store.Sql;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code audio_analyses} and {@code audio_embeddings} rows of each org (migrations V70, V71). */
public final class AudioAnalysisStore {
    /** One stored analysis; {@code features} and {@code document} are JSON objects as stored. */
    public record StoredAnalysis(String analysisId, String trackId, String analyserVersion, String features, String document,
            long durationMs, Instant createdAt) {}

    /** What one analysis stores: its row and its embedding. */
    public record NewAnalysis(String orgId, String analysisId, String trackId, String analyserVersion, String featuresJson,
            String documentJson, long durationMs, String objectKey, float[] embedding, String model) {}

    private static final String COLUMNS = "analysis_id, track_id, analyser_version, features::text AS features, document::text AS document, "
            + "duration_ms, created_at";

    private final Sql sql;

    public AudioAnalysisStore(Sql sql) {
        this.sql = sql;
    }

    public void insert(NewAnalysis a) {
        sql.transaction("store an audio analysis", c -> {
            // An upload has no registered audio bytes to name (sha256): only catalog audio is matched by hash.
            AudioAnalysisWriter.insert(c, new AudioAnalysisWriter.TrackAnalysis(a.orgId(), a.analysisId(), a.trackId(), a.analyserVersion(),
                    a.featuresJson(), a.documentJson(), a.durationMs(), a.objectKey(), null, a.embedding(), a.model()));
            return null;
        });
    }

    public Optional<StoredAnalysis> find(String orgId, String analysisId) {
        return sql.one("read an audio analysis", "SELECT " + COLUMNS + " FROM audio_analyses WHERE org_id = ? AND analysis_id = ?", ps -> {
            ps.setString(1, orgId);
            ps.setString(2, analysisId);
        }, AudioAnalysisStore::row);
    }

    /** The track's newest analysis. */
    public Optional<StoredAnalysis> newestOfTrack(String orgId, String trackId) {
        return sql.one("read a track's audio analysis", "SELECT " + COLUMNS + " FROM audio_analyses WHERE org_id = ? AND track_id = ? "
                + "ORDER BY created_at DESC, analysis_id DESC LIMIT 1", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, trackId);
                }, AudioAnalysisStore::row);
    }

    /** The object key of the track's newest analysed audio. */
    public Optional<String> newestObjectKeyOfTrack(String orgId, String trackId) {
        return newestOfTrack("read a track's stored audio", "audio_analyses", "object_key", orgId, trackId);
    }

    /** The model of the track's newest signal embedding: empty when the track has none. */
    public Optional<String> signalModelOfTrack(String orgId, String trackId) {
        return newestOfTrack("read a track's signal embedding", "audio_embeddings", "model", orgId, trackId);
    }

    /** {@code column} of the track's newest row of {@code table} (one of ours) that has it. */
    private Optional<String> newestOfTrack(String action, String table, String column, String orgId, String trackId) {
        return sql.one(action, "SELECT " + column + " FROM " + table + " WHERE org_id = ? AND track_id = ? AND " + column
                + " IS NOT NULL ORDER BY created_at DESC, analysis_id DESC LIMIT 1", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, trackId);
                }, rs -> rs.getString(1));
    }

    /**
     * The org's other tracks nearest (cosine) to the track's newest signal embedding, each by its own newest one. An
     * exact scan of the org's rows rather than the HNSW index: the index spans every org, and filtering its candidates
     * by org afterwards could leave fewer than {@code limit} of this org's.
     */
    public java.util.List<io.tunetrail.store.vector.Neighbour> nearestBySignal(String orgId, String trackId, int limit) {
        return sql.list("find tracks that sound alike", "SELECT track_id, distance FROM (SELECT DISTINCT ON (e.track_id) e.track_id, "
                + "e.embedding <=> s.embedding AS distance FROM audio_embeddings e, (SELECT embedding FROM audio_embeddings "
                + "WHERE org_id = ? AND track_id = ? ORDER BY created_at DESC, analysis_id DESC LIMIT 1) s "
                + "WHERE e.org_id = ? AND e.track_id IS NOT NULL AND e.track_id <> ? ORDER BY e.track_id, e.created_at DESC, e.analysis_id DESC) "
                + "newest ORDER BY distance, track_id LIMIT ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, trackId);
                    ps.setString(3, orgId);
                    ps.setString(4, trackId);
                    ps.setInt(5, limit);
                }, rs -> new io.tunetrail.store.vector.Neighbour(rs.getString(1), rs.getDouble(2)));
    }

    /** A stored signal embedding and the model that made it. */
    public record Signal(float[] vector, String model) {}

    /** The track's newest signal embedding; empty when its audio was never analysed. */
    public Optional<Signal> newestSignalOfTrack(String orgId, String trackId) {
        return sql.one("read a track's signal embedding", "SELECT embedding::text, model FROM audio_embeddings WHERE org_id = ? AND track_id = ? "
                + "ORDER BY created_at DESC, analysis_id DESC LIMIT 1", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, trackId);
                }, rs -> new Signal(parseVector(rs.getString(1)), rs.getString(2)));
    }

    /**
     * The org's tracks whose analysed audio is nearest (cosine) to {@code vector}, each once (by its nearest analysis),
     * {@code exclude} left out. Read through the HNSW index with pgvector's iterative scan: the index spans every org,
     * and the scan goes on past the first candidates until enough of this org's rows passed the filter.
     */
    public java.util.List<io.tunetrail.store.vector.Neighbour> nearestSignal(String orgId, float[] vector, int limit, java.util.Set<String> exclude) {
        // Several analyses of one track come back as several rows: read enough to fill the page after folding them.
        int fetch = Math.min(1_000, limit * 4 + exclude.size());
        String literal = literal(vector);
        java.util.List<io.tunetrail.store.vector.Neighbour> rows = sql.transaction("find tracks that sound like a vector", c -> {
            try (var st = c.createStatement()) {
                st.execute("SET LOCAL hnsw.iterative_scan = strict_order");
            }
            java.util.List<io.tunetrail.store.vector.Neighbour> out = new java.util.ArrayList<>();
            try (var ps = c.prepareStatement("SELECT track_id, embedding <=> ?::vector FROM audio_embeddings WHERE org_id = ? "
                    + "AND track_id IS NOT NULL ORDER BY embedding <=> ?::vector LIMIT ?")) {
                ps.setString(1, literal);
                ps.setString(2, orgId);
                ps.setString(3, literal);
                ps.setInt(4, fetch);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new io.tunetrail.store.vector.Neighbour(rs.getString(1), rs.getDouble(2)));
                    }
                }
            }
            return out;
        });
        java.util.Map<String, io.tunetrail.store.vector.Neighbour> nearest = new java.util.LinkedHashMap<>();
        rows.stream().filter(n -> !exclude.contains(n.trackId())).forEach(n -> nearest.putIfAbsent(n.trackId(), n));
        return nearest.values().stream().limit(limit).toList();
    }

    private static String literal(float[] vector) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < vector.length; i++) {
            b.append(i == 0 ? "" : ",").append(vector[i]);
        }
        return b.append(']').toString();
    }

    /** The newest signal embedding of each of these tracks of the org that has one. */
    public java.util.Map<String, float[]> signalEmbeddings(String orgId, java.util.List<String> trackIds) {
        java.util.Map<String, float[]> out = new java.util.HashMap<>();
        sql.list("read signal embeddings", "SELECT DISTINCT ON (track_id) track_id, embedding::text FROM audio_embeddings "
                + "WHERE org_id = ? AND track_id = ANY(?) ORDER BY track_id, created_at DESC, analysis_id DESC", ps -> {
                    ps.setString(1, orgId);
                    ps.setArray(2, ps.getConnection().createArrayOf("text", trackIds.toArray()));
                }, rs -> out.put(rs.getString(1), parseVector(rs.getString(2))));
        return out;
    }

    private static float[] parseVector(String literal) {
        String[] parts = literal.substring(1, literal.length() - 1).split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

    private static StoredAnalysis row(ResultSet rs) throws SQLException {
        return new StoredAnalysis(rs.getString("analysis_id"), rs.getString("track_id"), rs.getString("analyser_version"),
                rs.getString("features"), rs.getString("document"), rs.getLong("duration_ms"), Sql.instant(rs, "created_at"));
    }
}
