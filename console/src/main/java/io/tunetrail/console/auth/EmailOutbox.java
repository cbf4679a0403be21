package io.tunetrail.console.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Queues console e-mail in {@code email_outbox} (V87), on the caller's connection, so a message exists exactly when
 * the row that caused it does. An operator's mailer sends it; the platform sends no mail itself.
 */
final class EmailOutbox {
    private EmailOutbox() {}

    static void queue(Connection c, String orgId, String to, String subject, String body) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_outbox (org_id, to_address, subject, body) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, orgId);
            ps.setString(2, to);
            ps.setString(3, subject);
            ps.setString(4, body);
            ps.executeUpdate();
        }
    }
}
