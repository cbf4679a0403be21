package io.tunetrail.store;

import io.tunetrail.store.audio.AudioObjectStore;
import io.tunetrail.store.online.RedisKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Deletes an organisation and its data ({@code ./tunetrail admin org delete}): every PostgreSQL row of the org in one
 * transaction (each org table references {@code organisations} with {@code ON DELETE CASCADE}, directly or through its
 * parent: catalog, keys, members, usage and costs, models, webhooks, audio analyses, embeddings, jobs and registered
 * audio), then the org's objects in the audio store (uploads and registered audio, under its prefix), then its Redis
 * keys ({@code tt:{org}:*}: feature rows, counters, limiter state).
 *
 * <p>The rows go first: once they are gone no key authenticates and no batch file is claimed for the org, so nothing
 * writes new objects or keys behind the clean-up (an API instance may still serve a key it cached, for at most its key
 * cache's lifetime). A run that failed after the commit is completed by running it again: an org without rows still has
 * its objects and keys removed. Not deleted here: the offline Delta tables (history for BI and training, rewritten by
 * their own jobs), the Stripe event log and the SQL endpoint's query audit (platform records without an org key).
 */
public final class OrgDeletion {
    /** The tables whose rows the report counts (the cascade removes the others as well). */
    static final List<String> COUNTED = List.of("tracks", "api_keys", "members", "track_audio", "audio_analyses", "audio_embeddings",
            "audio_jobs", "audio_job_files", "usage_costs");

    /** What was deleted: whether the org had rows, its rows per counted table, and its Redis keys. */
    public record Deleted(String orgId, boolean orgExisted, Map<String, Long> rows, long onlineKeys) {}

    private final DataSource dataSource;
    private final JedisPooled jedis;
    private final AudioObjectStore audio;

    public OrgDeletion(DataSource dataSource, JedisPooled jedis, AudioObjectStore audio) {
        this.dataSource = dataSource;
        this.jedis = jedis;
        this.audio = audio;
    }

    public Deleted delete(String orgId) {
        Ids.require("org id", orgId);
        Map<String, Long> rows = new LinkedHashMap<>();
        boolean existed;
        try (Connection c = dataSource.getConnection()) {
            existed = Database.inTransaction(c, tx -> {
                // Locks the org row first: a cost, a cap decision or a plan change of the org waits or fails, never interleaves.
                try (PreparedStatement ps = tx.prepareStatement("SELECT 1 FROM organisations WHERE org_id = ? FOR UPDATE")) {
                    ps.setString(1, orgId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return false;
                        }
                    }
                }
                for (String table : COUNTED) {
                    try (PreparedStatement ps = tx.prepareStatement("SELECT count(*) FROM " + table + " WHERE org_id = ?")) {
                        ps.setString(1, orgId);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            rows.put(table, rs.getLong(1));
                        }
                    }
                }
                try (PreparedStatement ps = tx.prepareStatement("DELETE FROM organisations WHERE org_id = ?")) {
                    ps.setString(1, orgId);
                    ps.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("deleting org " + orgId, e);
        }
        audio.deleteOrg(orgId);
        return new Deleted(orgId, existed, rows, deleteOnlineKeys(jedis, orgId));
    }

    /** Deletes every Redis key of the org (SCAN, never KEYS: the Redis may be serving); answers how many. */
    public static long deleteOnlineKeys(JedisPooled jedis, String orgId) {
        long deleted = 0;
        ScanParams params = new ScanParams().match(RedisKeys.orgPattern(orgId)).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                deleted += jedis.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return deleted;
    }
}
