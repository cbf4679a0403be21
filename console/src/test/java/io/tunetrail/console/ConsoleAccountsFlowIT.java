package io.tunetrail.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.testing.ConsoleClient;
import io.tunetrail.console.testing.ConsoleTestStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Console accounts by e-mail, against the real API server on the local stack: invitations (send, accept, sign in,
 * single use, expiry, revocation, the inviter's role as the ceiling), password reset (same answer for unknown
 * addresses, every session ended), CSRF on each new form, and the sign-in counters in the API's registry.
 */
class ConsoleAccountsFlowIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private static final Pattern INVITE_LINK = Pattern.compile("http://console\\.test/console/invitation\\?token=([A-Za-z0-9_-]{43})");
    private static final Pattern RESET_LINK = Pattern.compile("http://console\\.test/console/reset\\?token=([A-Za-z0-9_-]{43})");
    private static final String PASSWORD = "correct horse battery staple";

    private ConsoleClient signedIn(String email, String password) {
        ConsoleClient c = new ConsoleClient(stack.base());
        HttpResponse<String> r = c.signIn(email, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        return c;
    }

    private HttpResponse<String> invite(ConsoleClient admin, String email, String role, String team) {
        String csrf = ConsoleClient.csrfOf(admin.get("/console/teams").body());
        return admin.post("/console/invitations", "csrf", csrf, "email", email, "role", role, "team", team);
    }

    private List<String> outbox(String to) {
        return stack.sql().list("reading the outbox", "SELECT body FROM email_outbox WHERE lower(to_address) = lower(?) ORDER BY email_id",
                ps -> ps.setString(1, to), rs -> rs.getString(1));
    }

    private static String token(Pattern link, String body) {
        Matcher m = link.matcher(body);
        assertThat(m.find()).as("a link in: " + body).isTrue();
        return m.group(1);
    }

    /** Opens the link's page and sends its form with {@code password} twice, as a browser would. */
    private static HttpResponse<String> choosePassword(String path, String token, String password) {
        ConsoleClient c = new ConsoleClient(stack.base());
        HttpResponse<String> form = c.get(path + "?token=" + token);
        if (form.statusCode() != 200) {
            return form;
        }
        return c.post(path, "csrf", ConsoleClient.csrfOf(form.body()), "token", token, "password", password, "confirm", password);
    }

    private long count(String query, String value) {
        return stack.sql().one("counting", query, ps -> ps.setString(1, value), rs -> rs.getLong(1)).orElseThrow();
    }

    @Test
    void anAdminInvitesSomeoneWhoAcceptsWithAPasswordAndSignsInAsAMemberOfTheTeam() {
        String org = stack.org("invite", "pro");
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        new TeamStore(stack.sql()).createTeam(org, "t-data", "Data");
        ConsoleClient c = signedIn(admin.email(), admin.password());
        String invited = "new.person@" + org + ".example";

        HttpResponse<String> sent = invite(c, invited, "member", "t-data");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(sent.body()).contains("id=\"invite-sent\"", invited, "invitations-table");
        List<String> mail = outbox(invited);
        assertThat(mail).hasSize(1);
        String token = token(INVITE_LINK, mail.get(0));
        assertThat(count("SELECT count(*) FROM console_invitations WHERE token_hash = ?", io.tunetrail.console.auth.SessionStore.digest(token)))
                .as("only the token's hash is stored").isEqualTo(1);

        HttpResponse<String> accepted = choosePassword("/console/invitation", token, PASSWORD);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.body()).contains("Your sign-in is ready");

        ConsoleClient newcomer = signedIn(invited, PASSWORD);
        assertThat(newcomer.get("/console").body()).contains(invited + " · member");
        TeamStore.Member m = new TeamStore(stack.sql()).memberByEmail(org, invited).orElseThrow();
        assertThat(m.role()).isEqualTo("member");
        assertThat(new TeamStore(stack.sql()).members(org, "t-data")).extracting(TeamStore.Member::email).contains(invited);
        assertThat(stack.sql().list("audit", "SELECT action FROM audit_log WHERE org_id = ? ORDER BY audit_id", ps -> ps.setString(1, org),
                rs -> rs.getString(1))).contains("member.invited", "member.added", "member.invitation_accepted");
        assertThat(c.get("/console/teams").body()).as("an accepted invitation is no longer open").contains("id=\"no-invitations\"");
    }

    @Test
    void anInvitationAcceptedWhenThePlansSeatsFilledMeanwhileIsRefusedSavesNothingAndWorksOnceASeatIsFree() {
        String org = stack.org("seats", "starter");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        TeamStore teams = new TeamStore(stack.sql());
        teams.createTeam(org, "t-ops", "Ops");
        ConsoleClient c = signedIn(owner.email(), owner.password());
        String invited = "late.joiner@" + org + ".example";
        assertThat(invite(c, invited, "member", "t-ops").statusCode()).isEqualTo(200);
        String token = token(INVITE_LINK, outbox(invited).get(0));
        // Meanwhile the API adds members until the starter plan's 5 seats are taken.
        List<String> added = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            added.add(teams.addMember(org, "t-ops", "member-seat-" + i + "-" + org, "seat" + i + "@" + org + ".example", "member").memberId());
        }

        HttpResponse<String> refused = choosePassword("/console/invitation", token, PASSWORD);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("cannot be accepted now", "includes 5 team members", "your link still works").doesNotContain("Exception");
        assertThat(teams.memberByEmail(org, invited)).as("no member half-made").isEmpty();
        assertThat(count("SELECT count(*) FROM console_credentials WHERE lower(login_email) = lower(?)", invited)).isZero();
        assertThat(count("SELECT count(*) FROM console_invitations WHERE email = ? AND accepted_at IS NULL AND revoked_at IS NULL", invited))
                .as("the invitation stays open").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_log WHERE org_id = ? AND action = 'member.invitation_accepted'", org)).isZero();

        teams.removeMember(org, added.get(0), stack.clock.instant(), io.tunetrail.api.audit.AuditLog.Actor.OPERATOR);
        HttpResponse<String> accepted = choosePassword("/console/invitation", token, PASSWORD);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(teams.memberCount(org)).isEqualTo(5);
        assertThat(signedIn(invited, PASSWORD).get("/console").body()).contains(invited + " · member");
        // The seat taken alerts the limit as an add through the API does (the test's direct adds alert nothing; the
        // refused acceptance took no seat): 4 of 5 to 5 of 5 crosses 100% only, and the owner is mailed.
        assertThat(stack.sql().list("reading alerts", "SELECT resource || ' ' || threshold_percent || ' ' || used_value::bigint || '/' "
                + "|| limit_value::bigint FROM alerts WHERE org_id = ? AND kind = 'quota'", ps -> ps.setString(1, org), rs -> rs.getString(1)))
                .containsExactly("team_members 100 5/5");
        assertThat(outbox(owner.email())).anySatisfy(mail -> assertThat(mail).contains("100% reached", "team members limit"));
    }

    @Test
    void aUsedExpiredRevokedOrUnknownLinkGetsTheSamePageAndChangesNothing() {
        String org = stack.org("links", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        ConsoleClient c = signedIn(owner.email(), owner.password());

        String first = "first@" + org + ".example";
        invite(c, first, "admin", "");
        String used = token(INVITE_LINK, outbox(first).get(0));
        assertThat(choosePassword("/console/invitation", used, PASSWORD).statusCode()).isEqualTo(200);
        HttpResponse<String> again = choosePassword("/console/invitation", used, "another long password here");
        // Replaying the accepting POST itself (the form's page would already refuse).
        ConsoleClient replay = new ConsoleClient(stack.base());
        String formToken = ConsoleClient.csrfOf(replay.get("/console/sign-in").body());
        HttpResponse<String> replayed = replay.post("/console/invitation", "csrf", formToken, "token", used, "password", "another long password here",
                "confirm", "another long password here");

        String late = "late@" + org + ".example";
        invite(c, late, "member", "");
        String expiring = token(INVITE_LINK, outbox(late).get(0));
        stack.clock.advance(Duration.ofHours(73));
        c = signedIn(owner.email(), owner.password());
        HttpResponse<String> expired = choosePassword("/console/invitation", expiring, PASSWORD);

        String revokedTo = "revoked@" + org + ".example";
        invite(c, revokedTo, "member", "");
        String revokedToken = token(INVITE_LINK, outbox(revokedTo).get(0));
        String id = stack.sql().one("id", "SELECT invitation_id::text FROM console_invitations WHERE org_id = ? AND email = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, revokedTo);
        }, rs -> rs.getString(1)).orElseThrow();
        String csrf = ConsoleClient.csrfOf(c.get("/console/teams").body());
        assertThat(c.post("/console/invitations/" + id + "/revoke", "csrf", csrf).statusCode()).isEqualTo(303);
        HttpResponse<String> revoked = choosePassword("/console/invitation", revokedToken, PASSWORD);

        HttpResponse<String> unknown = choosePassword("/console/invitation", "A".repeat(43), PASSWORD);
        HttpResponse<String> malformed = choosePassword("/console/invitation", "../../etc", PASSWORD);

        String page = detail(unknown);
        assertThat(page).contains("This link cannot be used");
        for (HttpResponse<String> r : List.of(again, replayed, expired, revoked, malformed)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(detail(r)).isEqualTo(page);
        }
        assertThat(count("SELECT count(*) FROM console_credentials WHERE lower(login_email) = lower(?)", first)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM members WHERE lower(email) = lower(?)", late)).isZero();
        assertThat(count("SELECT count(*) FROM members WHERE lower(email) = lower(?)", revokedTo)).isZero();
    }

    /** The heading and text of a message page: what a person reads. */
    private static String detail(HttpResponse<String> r) {
        Matcher m = Pattern.compile("<h1 id=\"message-heading\">([^<]*)</h1>\\s*<p id=\"message-detail\">([^<]*)</p>").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1) + " / " + m.group(2);
    }

    @Test
    void anAdminCannotInviteAnOwnerAndAMemberCannotInviteAtAll() {
        String org = stack.org("ceiling", "pro");
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleAccounts.CreatedUser member = stack.user(org, "member", Role.MEMBER);
        ConsoleClient c = signedIn(admin.email(), admin.password());
        String page = c.get("/console/teams").body();
        String roleSelect = page.substring(page.indexOf("id=\"invite-role\""), page.indexOf("</select>", page.indexOf("id=\"invite-role\"")));
        assertThat(roleSelect).as("the invitation's roles stop at the admin's own").contains("value=\"admin\"", "value=\"member\"")
                .doesNotContain("value=\"owner\"");

        String boss = "boss@" + org + ".example";
        HttpResponse<String> refused = invite(c, boss, "owner", "");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"error-role\"", "not owner");
        assertThat(outbox(boss)).isEmpty();
        assertThat(count("SELECT count(*) FROM console_invitations WHERE org_id = ?", org)).isZero();

        HttpResponse<String> badEmail = invite(c, "not-an-address", "member", "");
        assertThat(badEmail.statusCode()).isEqualTo(400);
        assertThat(badEmail.body()).contains("id=\"error-email\"");
        HttpResponse<String> foreignTeam = invite(c, "x@" + org + ".example", "member", "no-such-team");
        assertThat(foreignTeam.statusCode()).isEqualTo(400);
        assertThat(foreignTeam.body()).contains("id=\"error-team\"");

        ConsoleClient m = signedIn(member.email(), member.password());
        assertThat(m.get("/console/teams").body()).doesNotContain("invite-form");
        HttpResponse<String> byMember = m.post("/console/invitations", "csrf", ConsoleClient.csrfOf(m.get("/console").body()), "email",
                "y@" + org + ".example", "role", "member", "team", "");
        assertThat(byMember.statusCode()).isEqualTo(403);
        assertThat(byMember.body()).contains("Not allowed");
        assertThat(count("SELECT count(*) FROM console_invitations WHERE org_id = ?", org)).isZero();
    }

    @Test
    void forgedPostsWithoutTheirCsrfTokenAreRefusedAndSaveNothing() {
        String org = stack.org("forged", "pro");
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleClient c = signedIn(admin.email(), admin.password());
        String target = "victim@" + org + ".example";

        HttpResponse<String> noToken = c.post("/console/invitations", "email", target, "role", "admin", "team", "");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(count("SELECT count(*) FROM console_invitations WHERE org_id = ?", org)).isZero();

        invite(c, target, "member", "");
        String token = token(INVITE_LINK, outbox(target).get(0));
        // Another site's form: the link's token (say, leaked) but not the cookie-bound form token.
        ConsoleClient stranger = new ConsoleClient(stack.base());
        HttpResponse<String> forgedAccept = stranger.post("/console/invitation", "token", token, "password", PASSWORD, "confirm", PASSWORD);
        assertThat(forgedAccept.statusCode()).isEqualTo(403);
        assertThat(count("SELECT count(*) FROM members WHERE lower(email) = lower(?)", target)).isZero();

        HttpResponse<String> forgedForgot = stranger.post("/console/forgot-password", "email", admin.email());
        assertThat(forgedForgot.statusCode()).isEqualTo(403);
        assertThat(outbox(admin.email())).isEmpty();

        String id = stack.sql().one("id", "SELECT invitation_id::text FROM console_invitations WHERE org_id = ?", ps -> ps.setString(1, org),
                rs -> rs.getString(1)).orElseThrow();
        assertThat(c.post("/console/invitations/" + id + "/revoke").statusCode()).isEqualTo(403);
        assertThat(count("SELECT count(*) FROM console_invitations WHERE revoked_at IS NULL AND org_id = ?", org)).isEqualTo(1);

        // Another org's admin, with a valid token of their own session: the invitation is "not found" and stays open.
        ConsoleAccounts.CreatedUser otherAdmin = stack.user(stack.org("forged-other", "pro"), "admin", Role.ADMIN);
        ConsoleClient other = signedIn(otherAdmin.email(), otherAdmin.password());
        HttpResponse<String> foreign = other.post("/console/invitations/" + id + "/revoke", "csrf", ConsoleClient.csrfOf(other.get("/console/teams").body()));
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("Not found").doesNotContain(target);
        assertThat(count("SELECT count(*) FROM console_invitations WHERE revoked_at IS NULL AND org_id = ?", org)).isEqualTo(1);
        assertThat(other.get("/console/teams").body()).doesNotContain(target);
    }

    @Test
    void aResetSetsTheNewPasswordEndsEverySessionAndItsLinkWorksOnce() {
        String org = stack.org("reset", "pro");
        ConsoleAccounts.CreatedUser user = stack.user(org, "forgetful", Role.MEMBER);
        ConsoleClient before = signedIn(user.email(), user.password());
        assertThat(before.get("/console").statusCode()).isEqualTo(200);

        ConsoleClient c = new ConsoleClient(stack.base());
        HttpResponse<String> asked = c.post("/console/forgot-password", "csrf", ConsoleClient.csrfOf(c.get("/console/forgot-password").body()),
                "email", user.email().toUpperCase(java.util.Locale.ROOT));
        assertThat(asked.statusCode()).isEqualTo(200);
        String token = token(RESET_LINK, outbox(user.email()).get(0));

        HttpResponse<String> weak = new ConsoleClient(stack.base()).get("/console/reset?token=" + token);
        assertThat(weak.statusCode()).isEqualTo(200);
        HttpResponse<String> tooShort = choosePassword("/console/reset", token, "short");
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(tooShort.body()).contains("id=\"password-error\"", "at least 12 characters");

        String newPassword = "a new and rather long password";
        HttpResponse<String> done = choosePassword("/console/reset", token, newPassword);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("Your password is changed");

        assertThat(before.get("/console").statusCode()).as("the session from before the reset is over").isEqualTo(303);
        assertThat(new ConsoleClient(stack.base()).signIn(user.email(), user.password()).statusCode()).isEqualTo(401);
        signedIn(user.email(), newPassword);
        assertThat(choosePassword("/console/reset", token, "yet another long password").statusCode()).as("single use").isEqualTo(404);
        assertThat(stack.sql().list("audit", "SELECT action FROM audit_log WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getString(1)))
                .contains("member.password_reset");
    }

    @Test
    void aResetForAnUnknownAddressGetsTheSamePageAndQueuesNoMail() {
        String org = stack.org("unknown", "pro");
        ConsoleAccounts.CreatedUser user = stack.user(org, "known", Role.MEMBER);
        String unknown = "nobody@" + org + ".example";

        ConsoleClient a = new ConsoleClient(stack.base());
        HttpResponse<String> known = a.post("/console/forgot-password", "csrf", ConsoleClient.csrfOf(a.get("/console/forgot-password").body()),
                "email", user.email());
        ConsoleClient b = new ConsoleClient(stack.base());
        HttpResponse<String> none = b.post("/console/forgot-password", "csrf", ConsoleClient.csrfOf(b.get("/console/forgot-password").body()),
                "email", unknown);
        assertThat(none.statusCode()).isEqualTo(known.statusCode()).isEqualTo(200);
        assertThat(detail(none)).isEqualTo(detail(known));
        assertThat(outbox(user.email())).hasSize(1);
        assertThat(outbox(unknown)).isEmpty();
    }

    @Test
    void signInsAndResetRequestsAreCountedInTheApiRegistry() {
        String org = stack.org("metrics", "pro");
        ConsoleAccounts.CreatedUser user = stack.user(org, "counted", Role.MEMBER);
        double ok = counter("tunetrail_console_signins_total{outcome=\"ok\"}");
        double failed = counter("tunetrail_console_signins_total{outcome=\"failed\"}");
        double limited = counter("tunetrail_console_signins_total{outcome=\"limited\"}");
        double resets = counter("tunetrail_console_password_resets_requested_total");

        signedIn(user.email(), user.password());
        for (int i = 0; i < 4; i++) {
            // The test stack allows 3 failures per account: the fourth attempt is limited.
            new ConsoleClient(stack.base()).signIn(user.email(), "wrong password " + i);
        }
        ConsoleClient c = new ConsoleClient(stack.base());
        c.post("/console/forgot-password", "csrf", ConsoleClient.csrfOf(c.get("/console/forgot-password").body()), "email", user.email());

        assertThat(counter("tunetrail_console_signins_total{outcome=\"ok\"}")).isEqualTo(ok + 1);
        assertThat(counter("tunetrail_console_signins_total{outcome=\"failed\"}")).isEqualTo(failed + 3);
        assertThat(counter("tunetrail_console_signins_total{outcome=\"limited\"}")).isEqualTo(limited + 1);
        assertThat(counter("tunetrail_console_password_resets_requested_total")).isEqualTo(resets + 1);
    }

    private static double counter(String series) {
        for (String line : stack.metrics.scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError(series + " is not exported");
    }
}
