package io.tunetrail.store.audio;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The audio registered for catalog tracks ({@code track_audio}, migration V75), and the catalog lookups that match
 * audio files to tracks (by track id, or by the ISRC of V76).
 *
 * <p>The bytes themselves live in the audio object store ({@link AudioObjectStore}: a folder per org under
 * {@link #storeRoot}, or an S3 bucket); a row holds the
 * store's key, the SHA-256 and size of what was registered. Registering the same bytes again changes nothing;
 * registering other bytes moves {@code registered_at}, so the audio-analysis job analyses the track again.
 */
public final class TrackAudioStore {
    /** One registered file. */
    public record TrackAudio(String orgId, String trackId, String objectKey, String sha256, long sizeBytes) {}

    private final DataSource dataSource;

    public TrackAudioStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Where the audio object store keeps its files: {@code api.audio.store-dir}, or {@code <home>/audio} when that is
     * empty (the API's uploads go to the same place).
     */
    public static Path storeRoot(PlatformConfig config) {
        String dir = config.get(PlatformConfig.API_AUDIO_STORE_DIR);
        return dir.isBlank() ? config.home().resolve("audio") : Path.of(dir).toAbsolutePath().normalize();
    }

    /** Registers (or replaces) a track's audio; returns true when the row changed (new track, or other bytes). */
    public boolean register(TrackAudio a) {
        Ids.require("org id", a.orgId());
        Ids.require("track id", a.trackId());
        String sql = "INSERT INTO track_audio AS t (org_id, track_id, object_key, sha256, size_bytes) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (org_id, track_id) DO UPDATE SET object_key = EXCLUDED.object_key, sha256 = EXCLUDED.sha256, "
                + "size_bytes = EXCLUDED.size_bytes, registered_at = now() "
                + "WHERE (t.object_key, t.sha256) IS DISTINCT FROM (EXCLUDED.object_key, EXCLUDED.sha256)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a.orgId());
            ps.setString(2, a.trackId());
            ps.setString(3, a.objectKey());
            ps.setString(4, a.sha256());
            ps.setLong(5, a.sizeBytes());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("registering the audio of track " + a.trackId() + " of org " + a.orgId(), e);
        }
    }

    public Optional<TrackAudio> registered(String orgId, String trackId) {
        String sql = "SELECT object_key, sha256, size_bytes FROM track_audio WHERE org_id = ? AND track_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            ps.setString(2, trackId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new TrackAudio(orgId, trackId, rs.getString(1), rs.getString(2), rs.getLong(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the audio of track " + trackId + " of org " + orgId, e);
        }
    }

    /**
     * Whether the track has an analysis by {@code analyserVersion} of exactly these bytes: then analysing them again
     * would only repeat it.
     */
    public boolean analysed(String orgId, String trackId, String sha256, String analyserVersion) {
        String sql = "SELECT 1 FROM audio_analyses WHERE org_id = ? AND track_id = ? AND sha256 = ? AND analyser_version = ? LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            ps.setString(2, trackId);
            ps.setString(3, sha256);
            ps.setString(4, analyserVersion);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the analyses of track " + trackId + " of org " + orgId, e);
        }
    }

    /** Whether the org exists. */
    public boolean orgExists(String orgId) {
        return !strings("SELECT org_id FROM organisations WHERE org_id = ?", orgId).isEmpty();
    }

    /** The ids of the org's catalog tracks. */
    public Set<String> trackIds(String orgId) {
        return new HashSet<>(strings("SELECT track_id FROM tracks WHERE org_id = ?", orgId));
    }

    /** The org's tracks by ISRC (upper case, no dashes), for tracks whose ISRC the catalog knows. */
    public Map<String, String> trackIdsByIsrc(String orgId) {
        Map<String, String> out = new HashMap<>();
        String sql = "SELECT isrc, track_id FROM tracks WHERE org_id = ? AND isrc IS NOT NULL ORDER BY track_id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the ISRCs of org " + orgId, e);
        }
        return out;
    }

    private java.util.List<String> strings(String sql, String orgId) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the catalog of org " + orgId, e);
        }
        return out;
    }

}
