package io.tunetrail.store.vector;

import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What each catalog embedding of {@code track_embeddings} was built from (V73): the catalog's audio features, or the
 * features of the track's analysed audio with the analyser version. Written by the audio-embeddings job beside the
 * vectors; the readers (similar tracks, cold start) need nothing of it to use the better vector, and the audio routes
 * read it ({@link #of}) to say which embedding answered.
 */
public final class TrackEmbeddingSources {
    public static final String CATALOG_FEATURES = "catalog_features";
    public static final String AUDIO_ANALYSIS = "audio_analysis";

    /** The source of one track's embedding; {@code analyserVersion} is set exactly for {@link #AUDIO_ANALYSIS}. */
    public record Source(String trackId, String source, String analyserVersion) {}

    // Only rows whose source changes are touched, so a repeated run moves no updated_at.
    private static final String UPDATE = "UPDATE track_embeddings t SET source = s.source, analyser_version = s.analyser_version "
            + "FROM unnest(?::text[], ?::text[], ?::text[]) AS s(track_id, source, analyser_version) "
            + "WHERE t.org_id = ? AND t.track_id = s.track_id "
            + "AND (t.source, t.analyser_version) IS DISTINCT FROM (s.source, s.analyser_version)";

    private final DataSource dataSource;

    public TrackEmbeddingSources(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records the sources of the org's embeddings; answers the number of rows whose source changed. */
    public int record(String orgId, List<Source> sources) {
        Ids.require("org id", orgId);
        String[] tracks = new String[sources.size()];
        String[] kinds = new String[sources.size()];
        String[] versions = new String[sources.size()];
        for (int i = 0; i < tracks.length; i++) {
            Source s = sources.get(i);
            if (!CATALOG_FEATURES.equals(s.source()) && !AUDIO_ANALYSIS.equals(s.source())) {
                throw StoreException.invalid("embedding source '" + s.source() + "' of track " + s.trackId() + " is unknown",
                        "Use " + CATALOG_FEATURES + " or " + AUDIO_ANALYSIS);
            }
            tracks[i] = s.trackId();
            kinds[i] = s.source();
            versions[i] = s.analyserVersion();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setArray(1, c.createArrayOf("text", tracks));
            ps.setArray(2, c.createArrayOf("text", kinds));
            ps.setArray(3, c.createArrayOf("text", versions));
            ps.setString(4, orgId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("recording the embedding sources of org " + orgId, e);
        }
    }

    /** The sources of those of {@code trackIds} that have a catalog embedding in the org (absent: no embedding). */
    public Map<String, Source> of(String orgId, Collection<String> trackIds) {
        Ids.require("org id", orgId);
        Map<String, Source> out = new HashMap<>();
        if (trackIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT track_id, source, analyser_version FROM track_embeddings WHERE org_id = ? AND track_id = ANY (?::text[])")) {
            ps.setString(1, orgId);
            ps.setArray(2, c.createArrayOf("text", trackIds.toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Source(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the embedding sources of org " + orgId, e);
        }
    }
}
