package io.tunetrail.console.auth;

import io.tunetrail.api.store.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Server-side console sessions in PostgreSQL. The cookie holds 256 random bits; the table holds their SHA-256, so its
 * rows are no use as cookies. A session ends when idle for {@code idle}, {@code maxAge} after sign-in, or at sign-out.
 */
public final class SessionStore {
    /** A session as a request sees it. {@code digest} keys what belongs to it elsewhere (the one-time secret). */
    public record Session(String orgId, String memberId, String csrfToken, String digest) {}

    /** A new session: {@code token} goes into the cookie and nowhere else. */
    public record Created(String token, Session session) {}

    /** Last-seen writes are skipped within this much of the last one: an idle timeout of minutes needs no finer clock. */
    private static final Duration TOUCH_GRANULARITY = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Sql sql;
    private final Clock clock;
    private final Duration idle;
    private final Duration maxAge;

    public SessionStore(Sql sql, Clock clock, Duration idle, Duration maxAge) {
        this.sql = sql;
        this.clock = clock;
        this.idle = idle;
        this.maxAge = maxAge;
    }

    /** Starts a session for the member, removing their sessions that have ended (so the table does not grow). */
    public Created create(String orgId, String memberId) {
        Instant now = clock.instant();
        String token = random();
        Session s = new Session(orgId, memberId, random(), digest(token));
        sql.update("removing ended console sessions", "DELETE FROM console_sessions WHERE org_id = ? AND member_id = ? "
                + "AND (expires_at <= ? OR last_seen_at <= ?)", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, memberId);
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setTimestamp(4, Timestamp.from(now.minus(idle)));
                });
        sql.update("starting a console session", "INSERT INTO console_sessions (org_id, session_hash, member_id, csrf_token, created_at, "
                + "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, s.digest());
                    ps.setString(3, memberId);
                    ps.setString(4, s.csrfToken());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.setTimestamp(7, Timestamp.from(now.plus(maxAge)));
                });
        return new Created(token, s);
    }

    /** The live session of a cookie value; an ended one is removed and reads as none. Records the activity. */
    public Optional<Session> find(String token) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String digest = digest(token);
        record Row(Session session, Instant lastSeen, Instant expiresAt) {}
        Optional<Row> row = sql.one("reading a console session", "SELECT org_id, member_id, csrf_token, last_seen_at, expires_at "
                + "FROM console_sessions WHERE session_hash = ?", ps -> ps.setString(1, digest),
                rs -> new Row(new Session(rs.getString(1), rs.getString(2), rs.getString(3), digest), Sql.instant(rs, "last_seen_at"),
                        Sql.instant(rs, "expires_at")));
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Row r = row.get();
        if (!now.isBefore(r.expiresAt()) || !now.isBefore(r.lastSeen().plus(idle))) {
            delete(r.session());
            return Optional.empty();
        }
        if (now.isAfter(r.lastSeen().plus(TOUCH_GRANULARITY))) {
            sql.update("recording console activity", "UPDATE console_sessions SET last_seen_at = ? WHERE org_id = ? AND session_hash = ?", ps -> {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, r.session().orgId());
                ps.setString(3, digest);
            });
        }
        return Optional.of(r.session());
    }

    public void delete(Session s) {
        sql.update("ending a console session", "DELETE FROM console_sessions WHERE org_id = ? AND session_hash = ?", ps -> {
            ps.setString(1, s.orgId());
            ps.setString(2, s.digest());
        });
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of {@code value}. */
    public static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether two tokens are equal, in time independent of where they differ. */
    public static boolean sameToken(String expected, String presented) {
        return expected != null && presented != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
