package io.tunetrail.api.auth;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.store.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API keys in PostgreSQL ({@code api_keys}): only hashes and prefixes are stored. Every method but
 * {@link #findByHash} takes the org and never touches another org's keys.
 */
public final class ApiKeyStore {
    private static final String COLUMNS = "k.org_id, k.key_id, k.team_id, k.member_id, k.name, k.key_prefix, k.scopes, k.expires_at, "
            + "k.revoked_at, k.last_used_at, k.created_at";

    /**
     * A key found by its hash, with what authentication needs about its org and, for a member's key, the member's
     * current role (null for an org key).
     */
    public record KeyLookup(ApiKey key, String keyHash, String planId, String edition, String memberRole) {}

    /** A key just created: the only time its secret exists outside the caller. */
    public record CreatedKey(ApiKey key, String secret) {}

    private final Sql sql;

    public ApiKeyStore(Sql sql) {
        this.sql = sql;
    }

    public Optional<KeyLookup> findByHash(String hash) {
        return sql.one("looking up an API key",
                "SELECT " + COLUMNS + ", k.key_hash, o.plan_id, o.edition, m.role FROM api_keys k JOIN organisations o ON o.org_id = k.org_id "
                        + "LEFT JOIN members m ON m.org_id = k.org_id AND m.member_id = k.member_id WHERE k.key_hash = ?",
                ps -> ps.setString(1, hash),
                rs -> new KeyLookup(key(rs), rs.getString("key_hash"), rs.getString("plan_id"), rs.getString("edition"), rs.getString("role")));
    }

    /** An org key (no member: it acts with the owner's authority, see {@link Role}). */
    public CreatedKey create(String orgId, String teamId, String name, List<String> scopes, Instant expiresAt) {
        return create(orgId, teamId, null, name, scopes, expiresAt);
    }

    /** A key of member {@code memberId} (null: an org key), made by the operator. */
    public CreatedKey create(String orgId, String teamId, String memberId, String name, List<String> scopes, Instant expiresAt) {
        return create(orgId, teamId, memberId, name, scopes, expiresAt, AuditLog.Actor.OPERATOR);
    }

    /** A key of member {@code memberId} (null: an org key), made by {@code actor}. */
    public CreatedKey create(String orgId, String teamId, String memberId, String name, List<String> scopes, Instant expiresAt,
            AuditLog.Actor actor) {
        return sql.transaction("creating an API key for org " + orgId, c -> {
            CreatedKey created = insert(c, orgId, teamId, memberId, name, scopes, expiresAt);
            AuditLog.record(c, orgId, actor, "api_key.created", "api_key", created.key().keyId(), described(created.key()));
            return created;
        });
    }

    /** What the audit log says about a key: never its secret or hash. */
    private static Map<String, Object> described(ApiKey k) {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("name", k.name());
        d.put("key_prefix", k.prefix());
        d.put("scopes", k.scopes());
        d.put("team_id", k.teamId());
        d.put("member_id", k.memberId());
        return d;
    }

    private CreatedKey insert(Connection c, String orgId, String teamId, String memberId, String name, List<String> scopes, Instant expiresAt)
            throws SQLException {
        String secret = ApiKeySecrets.newSecret();
        String keyId = ApiKeySecrets.newId("key");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys AS k (org_id, key_id, team_id, member_id, name, key_hash, "
                + "key_prefix, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            ps.setString(1, orgId);
            ps.setString(2, keyId);
            ps.setString(3, teamId);
            ps.setString(4, memberId);
            ps.setString(5, name);
            ps.setString(6, ApiKeySecrets.hash(secret));
            ps.setString(7, ApiKeySecrets.prefix(secret));
            ps.setArray(8, c.createArrayOf("text", scopes.toArray()));
            ps.setTimestamp(9, Sql.ts(expiresAt));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new CreatedKey(key(rs), secret);
            }
        }
    }

    public List<ApiKey> list(String orgId, String teamId) {
        return sql.list("listing API keys of org " + orgId,
                "SELECT " + COLUMNS + " FROM api_keys k WHERE k.org_id = ? AND (?::text IS NULL OR k.team_id = ?) ORDER BY k.created_at, k.key_id",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, teamId);
                    ps.setString(3, teamId);
                },
                ApiKeyStore::key);
    }

    public Optional<ApiKey> get(String orgId, String keyId) {
        return sql.one("reading API key " + keyId, "SELECT " + COLUMNS + " FROM api_keys k WHERE k.org_id = ? AND k.key_id = ?",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, keyId);
                }, ApiKeyStore::key);
    }

    /** Revokes a live key; empty when the org has no such key. Revoking twice keeps the first time. */
    public Optional<ApiKey> revoke(String orgId, String keyId, Instant at, AuditLog.Actor actor) {
        return sql.transaction("revoking API key " + keyId, c -> {
            boolean live;
            try (PreparedStatement ps = c.prepareStatement("SELECT revoked_at IS NULL FROM api_keys WHERE org_id = ? AND key_id = ? FOR UPDATE")) {
                ps.setString(1, orgId);
                ps.setString(2, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ApiKey>empty();
                    }
                    live = rs.getBoolean(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, ?) WHERE k.org_id = ? "
                    + "AND k.key_id = ? RETURNING " + COLUMNS)) {
                ps.setTimestamp(1, Sql.ts(at));
                ps.setString(2, orgId);
                ps.setString(3, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ApiKey k = key(rs);
                    // Revoking twice keeps the first time and is no second change.
                    if (live) {
                        AuditLog.record(c, orgId, actor, "api_key.revoked", "api_key", keyId, described(k));
                    }
                    return Optional.of(k);
                }
            }
        });
    }

    /**
     * Replaces a live key by a new one with the same name, team, scopes and expiry, revoking the old one in the same
     * transaction. Empty when the org has no such live key; an expired key is not live (rotating it would renew it).
     */
    public Optional<CreatedKey> rotate(String orgId, String keyId, Instant at, AuditLog.Actor actor) {
        return sql.transaction("rotating API key " + keyId, c -> {
            ApiKey old;
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys k SET revoked_at = ? WHERE k.org_id = ? AND k.key_id = ? "
                    + "AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?) RETURNING " + COLUMNS)) {
                ps.setTimestamp(1, Sql.ts(at));
                ps.setString(2, orgId);
                ps.setString(3, keyId);
                ps.setTimestamp(4, Sql.ts(at));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<CreatedKey>empty();
                    }
                    old = key(rs);
                }
            }
            CreatedKey created = insert(c, orgId, old.teamId(), old.memberId(), old.name(), old.scopes(), old.expiresAt());
            Map<String, Object> details = described(created.key());
            details.put("replaces_key_id", keyId);
            AuditLog.record(c, orgId, actor, "api_key.rotated", "api_key", created.key().keyId(), details);
            return Optional.of(created);
        });
    }

    /** Writes buffered last-use times in one batch; a time never moves backwards. */
    public void recordLastUsed(Map<String, Instant> lastUsedByKeyId) {
        if (lastUsedByKeyId.isEmpty()) {
            return;
        }
        sql.transaction("recording API key use", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET last_used_at = greatest(last_used_at, ?) WHERE key_id = ?")) {
                for (Map.Entry<String, Instant> e : lastUsedByKeyId.entrySet()) {
                    ps.setTimestamp(1, Sql.ts(e.getValue()));
                    ps.setString(2, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    static ApiKey key(ResultSet rs) throws SQLException {
        Array scopes = rs.getArray("scopes");
        return new ApiKey(rs.getString("key_id"), rs.getString("org_id"), rs.getString("team_id"), rs.getString("member_id"), rs.getString("name"),
                rs.getString("key_prefix"), Arrays.asList((String[]) scopes.getArray()), Sql.instant(rs, "expires_at"),
                Sql.instant(rs, "revoked_at"), Sql.instant(rs, "last_used_at"), Sql.instant(rs, "created_at"));
    }
}
