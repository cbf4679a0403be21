package io.tunetrail.store.audio;

import io.tunetrail.store.Database;
import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes analyses of catalog audio into the tables the API reads ({@code audio_analyses}, {@code audio_embeddings}:
 * V70, V71), the analysis and its embedding in one transaction: what {@code ./tunetrail analyze} and the nightly
 * audio-analysis job store. (The API's own uploads go through its {@code AudioAnalysisStore}, which calls
 * {@link #insert(Connection, TrackAnalysis)} too.)
 */
public final class AudioAnalysisWriter {
    /** One analysis of a track's registered audio, ready to store; JSON as {@code AnalysisJson} writes it. */
    public record TrackAnalysis(String orgId, String analysisId, String trackId, String analyserVersion, String featuresJson,
            String documentJson, long durationMs, String objectKey, String sha256, float[] embedding, String embeddingModel) {
        /** The same analysis of audio kept under another object key (known once the audio is stored). */
        public TrackAnalysis withObjectKey(String key) {
            return new TrackAnalysis(orgId, analysisId, trackId, analyserVersion, featuresJson, documentJson, durationMs, key, sha256,
                    embedding, embeddingModel);
        }
    }

    private final DataSource dataSource;

    public AudioAnalysisWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A new analysis id, in the API's form ({@code aud_} + 32 hex digits). */
    public static String newAnalysisId() {
        return "aud_" + UUID.randomUUID().toString().replace("-", "");
    }

    public void insert(TrackAnalysis a) {
        Ids.require("org id", a.orgId());
        try (Connection c = dataSource.getConnection()) {
            Database.inTransaction(c, conn -> {
                insert(conn, a);
                return null;
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("storing the audio analysis of track " + a.trackId() + " of org " + a.orgId(), e);
        }
    }

    /**
     * Writes the analysis row and its embedding on {@code conn}, inside the caller's transaction: the one statement pair
     * every writer of these tables uses (the API's uploads as well), so the rows cannot differ by who wrote them.
     */
    public static void insert(Connection conn, TrackAnalysis a) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audio_analyses (org_id, analysis_id, track_id, "
                + "analyser_version, features, document, duration_ms, object_key, sha256) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)")) {
            ps.setString(1, a.orgId());
            ps.setString(2, a.analysisId());
            ps.setString(3, a.trackId());
            ps.setString(4, a.analyserVersion());
            ps.setString(5, a.featuresJson());
            ps.setString(6, a.documentJson());
            ps.setLong(7, a.durationMs());
            ps.setString(8, a.objectKey());
            ps.setString(9, a.sha256());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audio_embeddings (org_id, analysis_id, track_id, "
                + "embedding, model) VALUES (?, ?, ?, ?::vector, ?)")) {
            ps.setString(1, a.orgId());
            ps.setString(2, a.analysisId());
            ps.setString(3, a.trackId());
            ps.setString(4, vectorLiteral(a.embedding()));
            ps.setString(5, a.embeddingModel());
            ps.executeUpdate();
        }
    }

    private static String vectorLiteral(float[] v) {
        StringBuilder b = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.append(']').toString();
    }
}
