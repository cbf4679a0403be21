package io.tunetrail.console.auth;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Password resets of console sign-ins (table {@code console_password_resets}, V89). A request for an address with a
 * sign-in queues a one-time link in the e-mail outbox (a newer request voids older links); a request for any other
 * address does nothing, and the caller answers both alike. Resetting sets the password, uses the link up and ends
 * every session of the account, in one transaction.
 */
public final class PasswordResets {
    /** The account a link resets, for the password policy's check against the address. */
    public record Pending(String orgId, String memberId, String email) {}

    private final Sql sql;
    private final ConsoleAccounts accounts;
    private final Clock clock;
    private final Duration lifetime;
    private final String publicUrl;

    public PasswordResets(Sql sql, ConsoleAccounts accounts, Clock clock, Duration lifetime, String publicUrl) {
        this.sql = sql;
        this.accounts = accounts;
        this.clock = clock;
        this.lifetime = lifetime;
        this.publicUrl = publicUrl;
    }

    /** Queues a reset link for the sign-in of {@code email}, if there is one; whether there was is for tests, never for the page. */
    public boolean request(String email) {
        Optional<ConsoleAccounts.Credential> credential = accounts.byEmail(email);
        if (credential.isEmpty()) {
            return false;
        }
        ConsoleAccounts.Credential account = credential.get();
        String token = SessionStore.random();
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        sql.transaction("requesting a console password reset", c -> {
            String loginEmail;
            try (PreparedStatement ps = c.prepareStatement("SELECT login_email FROM console_credentials WHERE org_id = ? AND member_id = ?")) {
                ps.setString(1, account.orgId());
                ps.setString(2, account.memberId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    loginEmail = rs.getString(1);
                }
            }
            voidOpen(c, account.orgId(), account.memberId(), now);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_password_resets (org_id, member_id, token_hash, created_at, expires_at) "
                    + "VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, account.orgId());
                ps.setString(2, account.memberId());
                ps.setString(3, SessionStore.digest(token));
                ps.setTimestamp(4, Timestamp.from(now));
                ps.setTimestamp(5, Timestamp.from(expires));
                ps.executeUpdate();
            }
            EmailOutbox.queue(c, account.orgId(), loginEmail, "Reset your TuneTrail console password",
                    "Someone (we hope you) asked to reset the password of your TuneTrail console sign-in.\n\n"
                            + "Choose a new password here (the link works once, until " + OneTimeLinks.WHEN.format(expires) + "):\n"
                            + publicUrl + "/console/reset?token=" + token + "\n\n"
                            + "If it was not you, ignore this e-mail: your password stays as it is.\n");
            return null;
        });
        return true;
    }

    /** The account of a link that still works; empty for one unknown, used, replaced or expired. */
    public Optional<Pending> find(String token) {
        if (!OneTimeLinks.wellFormed(token)) {
            return Optional.empty();
        }
        return sql.one("reading a password reset", "SELECT r.org_id, r.member_id, c.login_email FROM console_password_resets r "
                + "JOIN console_credentials c ON c.org_id = r.org_id AND c.member_id = r.member_id "
                + "WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?", ps -> {
                    ps.setString(1, SessionStore.digest(token));
                    ps.setTimestamp(2, Timestamp.from(clock.instant()));
                }, rs -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /**
     * Sets the password hash of the link's account, uses the link up and ends every session of the account, in one
     * transaction; returns the count of sessions ended, or empty when the link does not work (then nothing changed).
     */
    public Optional<Integer> reset(String token, String passwordHash, String clientAddress) {
        if (!OneTimeLinks.wellFormed(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return sql.transaction("resetting a console password", c -> {
            String orgId;
            String memberId;
            try (PreparedStatement ps = c.prepareStatement("SELECT org_id, member_id FROM console_password_resets WHERE token_hash = ? "
                    + "AND used_at IS NULL AND expires_at > ? FOR UPDATE")) {
                ps.setString(1, SessionStore.digest(token));
                ps.setTimestamp(2, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Integer>empty();
                    }
                    orgId = rs.getString(1);
                    memberId = rs.getString(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE console_credentials SET password_hash = ? WHERE org_id = ? AND member_id = ?")) {
                ps.setString(1, passwordHash);
                ps.setString(2, orgId);
                ps.setString(3, memberId);
                ps.executeUpdate();
            }
            voidOpen(c, orgId, memberId, now);
            int ended;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE org_id = ? AND member_id = ?")) {
                ps.setString(1, orgId);
                ps.setString(2, memberId);
                ended = ps.executeUpdate();
            }
            AuditLog.record(c, orgId, new AuditLog.Actor("console", null, memberId), "member.password_reset", "member", memberId,
                    Map.of("sessions_ended", ended, "client_address", clientAddress));
            return Optional.of(ended);
        });
    }

    /** Uses up the member's links that still work: only the newest link, and none after a reset, may set a password. */
    private static void voidOpen(java.sql.Connection c, String orgId, String memberId, Instant now) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE console_password_resets SET used_at = ? WHERE org_id = ? AND member_id = ? "
                + "AND used_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, orgId);
            ps.setString(3, memberId);
            ps.executeUpdate();
        }
    }
}
