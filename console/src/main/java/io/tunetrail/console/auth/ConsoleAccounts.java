package io.tunetrail.console.auth;

import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Console credentials of members: who may sign in with which e-mail, and the Argon2id hash of their password. A member
 * is a person of one org ({@code members}); a console e-mail is unique across orgs, since a sign-in names no org.
 */
public final class ConsoleAccounts {
    /** A member's credential as sign-in needs it. */
    public record Credential(String orgId, String memberId, String passwordHash) {}

    /** What {@link #create} made: the password appears only here. */
    public record CreatedUser(String orgId, String memberId, String email, String role, String password) {}

    /** Why an account could not be made; the CLI turns it into its one-line error. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String fix;

        Refused(String problem, String fix) {
            super(problem);
            this.fix = fix;
        }

        public String fix() {
            return fix;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Sql sql;
    private final TeamStore teams;
    private final Argon2idPasswords passwords;

    public ConsoleAccounts(Sql sql, Argon2idPasswords passwords) {
        this.sql = sql;
        this.teams = new TeamStore(sql);
        this.passwords = passwords;
    }

    /**
     * Gives the org's member with {@code email} console credentials with a generated password, creating the member with
     * {@code role} when the org has none with that e-mail. An existing member keeps their role: a different one is
     * refused (roles change through the API's role route, where the caller's own role is checked).
     */
    public CreatedUser create(String orgId, String email, Role role) {
        TeamStore.Member member = teams.memberByEmail(orgId, email).orElse(null);
        if (member != null && !member.role().equals(role.wireName())) {
            throw new Refused("'" + email + "' is a member of '" + orgId + "' already, with role '" + member.role() + "'",
                    "pass --role " + member.role() + ", or change the role first with PUT /api/v1/members/" + member.memberId() + "/role");
        }
        Optional<Credential> taken = byEmail(email);
        if (taken.isPresent()) {
            throw new Refused("'" + email + "' can sign in to the console already (org '" + taken.get().orgId() + "')",
                    "a console e-mail belongs to one member of one org; use another address");
        }
        String memberId = member != null ? member.memberId() : ApiKeySecrets.newId("member");
        String password = newPassword();
        String hash = passwords.hash(password);
        sql.transaction("creating console user " + email, c -> {
            if (member == null) {
                try (var ps = c.prepareStatement("INSERT INTO members (org_id, member_id, email, role) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, orgId);
                    ps.setString(2, memberId);
                    ps.setString(3, email);
                    ps.setString(4, role.wireName());
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO console_credentials (org_id, member_id, login_email, password_hash) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, orgId);
                ps.setString(2, memberId);
                ps.setString(3, email);
                ps.setString(4, hash);
                ps.executeUpdate();
            }
            return null;
        });
        return new CreatedUser(orgId, memberId, email, role.wireName(), password);
    }

    /**
     * As {@link #create}, but a member of this org who can sign in already gets a new generated password instead of a
     * refusal (the demo prints a working sign-in on every run).
     */
    public CreatedUser createOrRenew(String orgId, String email, Role role) {
        Optional<Credential> existing = byEmail(email).filter(c -> c.orgId().equals(orgId));
        if (existing.isEmpty()) {
            return create(orgId, email, role);
        }
        String password = newPassword();
        String hash = passwords.hash(password);
        sql.update("renewing a console password", "UPDATE console_credentials SET password_hash = ? WHERE org_id = ? AND member_id = ?", ps -> {
            ps.setString(1, hash);
            ps.setString(2, orgId);
            ps.setString(3, existing.get().memberId());
        });
        TeamStore.Member m = teams.member(orgId, existing.get().memberId()).orElseThrow();
        return new CreatedUser(orgId, m.memberId(), m.email(), m.role(), password);
    }

    /** The credential signing in with {@code email} (case-insensitive), if any. */
    public Optional<Credential> byEmail(String email) {
        return sql.one("reading console credential", "SELECT org_id, member_id, password_hash FROM console_credentials WHERE lower(login_email) = lower(?)",
                ps -> ps.setString(1, email), rs -> new Credential(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /** 24 random bytes as base64url: 192 bits, typed once into a password manager. */
    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
