package io.tunetrail.console;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.store.TeamStore;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Role;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.store.online.KeyFamily;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.console.testing.ConsoleClient;
import io.tunetrail.console.testing.ConsoleTestStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's safety at the HTTP level, against the real API server on the local stack: sessions and their cookie,
 * rotation, expiry and sign-out, CSRF, sign-in limits, the security headers, role gates shared with the API, another
 * org's objects, and form validation that saves nothing.
 */
class ConsoleSecurityIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private ConsoleClient signedIn(ConsoleAccounts.CreatedUser user) {
        ConsoleClient c = new ConsoleClient(stack.base());
        HttpResponse<String> r = c.signIn(user.email(), user.password());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/console");
        return c;
    }

    private long keysOf(String org) {
        return new ApiKeyStore(stack.sql()).list(org, null).size();
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndSecureAndANewOneIsIssuedAtEverySignIn() {
        String org = stack.org("cookie", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        ConsoleClient c = new ConsoleClient(stack.base());
        String csrf = ConsoleClient.csrfOf(c.get("/console/sign-in").body());
        HttpResponse<String> first = c.post("/console/sign-in", "csrf", csrf, "email", owner.email(), "password", owner.password());
        String cookie = ConsoleClient.setCookie(first, "tt_console_session");
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Secure", "Path=/console");
        String firstSession = c.cookies.get("tt_console_session");

        // A browser that holds a session when it signs in (one planted in it, or an old one) gets a new session, and the
        // one it held ends: a session id known before sign-in is worth nothing after it.
        ConsoleClient b = new ConsoleClient(stack.base());
        String formToken = ConsoleClient.csrfOf(b.get("/console/sign-in").body());
        b.cookies.put("tt_console_session", firstSession);
        HttpResponse<String> again = b.post("/console/sign-in", "csrf", formToken, "email", owner.email(), "password", owner.password());
        assertThat(again.statusCode()).isEqualTo(303);
        String secondSession = b.cookies.get("tt_console_session");
        assertThat(secondSession).isNotEqualTo(firstSession);
        assertThat(c.get("/console").statusCode()).as("the session held before sign-in is over").isEqualTo(303);
        assertThat(b.get("/console").statusCode()).isEqualTo(200);
    }

    @Test
    void everyPageSendsAStrictContentSecurityPolicyAndRefusesFraming() {
        String org = stack.org("headers", "pro");
        ConsoleClient c = signedIn(stack.user(org, "admin", Role.ADMIN));
        for (String path : List.of("/console/sign-in", "/console", "/console/keys", "/console/static/overview.js")) {
            HttpResponse<String> r = (path.equals("/console/sign-in") ? new ConsoleClient(stack.base()) : c).get(path);
            assertStrictHeaders(path, r);
        }
        // Every page an enterprise owner can open (each feature on): the same headers, and no inline script, event
        // handler or style attribute, which the policy would block in a browser.
        ConsoleClient owner = signedIn(stack.user(stack.org("headers-all", "enterprise"), "owner", Role.OWNER));
        for (String path : List.of("/console", "/console/keys", "/console/teams", "/console/usage", "/console/audit-log", "/console/models",
                "/console/insights", "/console/webhooks", "/console/audio", "/console/billing", "/console/flags", "/console/branding")) {
            HttpResponse<String> r = owner.get(path);
            assertStrictHeaders(path, r);
            String html = r.body();
            assertThat(html.split("<script").length - 1).as(path).isEqualTo(html.split("<script src=\"/console/static/").length - 1);
            assertThat(html).as(path).doesNotContainPattern("\\son[a-z]+=").doesNotContainPattern("\\sstyle=").doesNotContain("javascript:");
        }
    }

    @Test
    void anUnknownConsoleAddressIsTheConsolesNotFoundPageSignedInOrOut() {
        ConsoleClient member = signedIn(stack.user(stack.org("unknown-page", "pro"), "member", Role.MEMBER));
        for (ConsoleClient c : List.of(new ConsoleClient(stack.base()), member)) {
            String who = c == member ? "signed in" : "signed out";
            for (HttpResponse<String> r : List.of(c.get("/console/no-such-page"), c.get("/console/keys/abc/def/ghi"), c.post("/console/no-such-form", "x", "1"))) {
                String what = who + " " + r.request().method() + " " + r.request().uri().getPath();
                assertStrictHeaders(what, r, 404);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("text/html");
                assertThat(r.body()).as(what).contains("id=\"message-heading\">Not found<").doesNotContain("\"code\"", "Exception", "at io.");
                // Signed in, the page keeps the member's navigation; signed out, nothing of any org shows.
                assertThat(r.body().contains("href=\"/console/keys\"")).as(what).isEqualTo(c == member);
            }
        }
    }

    private static void assertStrictHeaders(String path, HttpResponse<String> r) {
        assertStrictHeaders(path, r, 200);
    }

    private static void assertStrictHeaders(String path, HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(path).isEqualTo(status);
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).as(path).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
    }

    @Test
    void aSessionEndsWhenIdleAtItsAbsoluteEndAndAtSignOut() {
        String org = stack.org("expiry", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);

        ConsoleClient idle = signedIn(owner);
        stack.clock.advance(Duration.ofMinutes(29));
        assertThat(idle.get("/console").statusCode()).as("29 minutes idle").isEqualTo(200);
        stack.clock.advance(Duration.ofMinutes(29));
        assertThat(idle.get("/console").statusCode()).as("29 minutes after the last request").isEqualTo(200);
        stack.clock.advance(Duration.ofMinutes(31));
        HttpResponse<String> expired = idle.get("/console");
        assertThat(expired.statusCode()).as("31 minutes idle").isEqualTo(303);
        assertThat(expired.headers().firstValue("Location")).hasValue("/console/sign-in");

        ConsoleClient busy = signedIn(owner);
        for (int i = 0; i < 26; i++) { // active every 28 minutes, 12 h 8 min in all
            stack.clock.advance(Duration.ofMinutes(28));
            int status = busy.get("/console").statusCode();
            assertThat(status).as("after %d min", (i + 1) * 28).isEqualTo((i + 1) * 28 < 12 * 60 ? 200 : 303);
        }

        ConsoleClient out = signedIn(owner);
        String session = out.cookies.get("tt_console_session");
        String csrf = ConsoleClient.csrfOf(out.get("/console").body());
        HttpResponse<String> signOut = out.post("/console/sign-out", "csrf", csrf);
        assertThat(signOut.statusCode()).isEqualTo(303);
        assertThat(ConsoleClient.setCookie(signOut, "tt_console_session")).contains("Max-Age=0");
        ConsoleClient replay = new ConsoleClient(stack.base());
        replay.cookies.put("tt_console_session", session);
        assertThat(replay.get("/console").statusCode()).as("the signed-out session replayed").isEqualTo(303);
    }

    @Test
    void aFormPostedWithoutTheSessionsCsrfTokenChangesNothing() {
        String org = stack.org("csrf", "pro");
        ConsoleAccounts.CreatedUser signedInAdmin = stack.user(org, "admin", Role.ADMIN);
        ConsoleClient c = signedIn(signedInAdmin);
        long before = keysOf(org);
        HttpResponse<String> missing = c.post("/console/keys", "name", "forged", "scope", "read");
        assertThat(missing.statusCode()).isEqualTo(403);
        HttpResponse<String> wrong = c.post("/console/keys", "csrf", "x".repeat(43), "name", "forged", "scope", "read");
        assertThat(wrong.statusCode()).isEqualTo(403);
        // Another session's token is no token of this one.
        ConsoleClient other = signedIn(stack.user(org, "other", Role.ADMIN));
        String othersToken = ConsoleClient.csrfOf(other.get("/console/keys").body());
        assertThat(c.post("/console/keys", "csrf", othersToken, "name", "forged", "scope", "read").statusCode()).isEqualTo(403);
        assertThat(keysOf(org)).isEqualTo(before);

        String token = ConsoleClient.csrfOf(c.get("/console/keys").body());
        assertThat(c.post("/console/keys", "csrf", token, "name", "real", "scope", "read").statusCode()).isEqualTo(303);
        assertThat(keysOf(org)).isEqualTo(before + 1);
        // Audited as the member acting through the console, not as a key.
        assertThat(new AuditLog(stack.sql()).list(org, new AuditLog.Filter(null, "api_key.created", null, null), null, 10).items())
                .singleElement().satisfies(e -> {
                    assertThat(e.actorType()).isEqualTo("console");
                    assertThat(e.actorMemberId()).isEqualTo(signedInAdmin.memberId());
                });
        // The secret waits for the one page view in a key of the evictable CONSOLE_SECRET family, with a TTL of a minute.
        String held = RedisKeys.consoleSecret(org, SessionStore.digest(c.cookies.get("tt_console_session")));
        assertThat(KeyFamily.of(held)).hasValue(KeyFamily.CONSOLE_SECRET);
        assertThat(stack.stores().jedis().pttl(held)).isPositive().isLessThanOrEqualTo(60_000);
        assertThat(c.get("/console/keys").body()).contains("id=\"secret-value\"");
        assertThat(stack.stores().jedis().exists(held)).as("read once, then gone").isFalse();

        // Rotating through the API's own rotation: a forged form changes nothing; a real one replaces the key (the old one
        // revoked) and shows the new secret once.
        String keyId = liveKey(org, "real");
        assertThat(c.post("/console/keys/" + keyId + "/rotate").statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(liveKey(org, "real")).isEqualTo(keyId);
        assertThat(c.post("/console/keys/" + keyId + "/rotate", "csrf", token).statusCode()).isEqualTo(303);
        String rotatedPage = c.get("/console/keys").body();
        String secret = rotatedPage.replaceAll("(?s).*id=\"secret-value\"[^>]*>([^<]+)<.*", "$1").trim();
        String newKeyId = liveKey(org, "real");
        assertThat(newKeyId).isNotEqualTo(keyId);
        assertThat(stack.sql().one("hash", "SELECT key_hash FROM api_keys WHERE key_id = ?", ps -> ps.setString(1, newKeyId), rs -> rs.getString(1)))
                .hasValue(io.tunetrail.api.auth.ApiKeySecrets.hash(secret));
        assertThat(c.get("/console/keys").body()).doesNotContain("id=\"secret-value\"");
        String elsewhere = stack.org("csrf-other", "pro");
        ConsoleClient stranger = signedIn(stack.user(elsewhere, "admin", Role.ADMIN));
        HttpResponse<String> foreign = stranger.post("/console/keys/" + newKeyId + "/rotate", "csrf", ConsoleClient.csrfOf(stranger.get("/console").body()));
        assertThat(foreign.statusCode()).as("another org's key").isEqualTo(404);
        assertThat(liveKey(org, "real")).isEqualTo(newKeyId);

        // The sign-in form is protected too (login CSRF): its token must match the cookie the form came with.
        ConsoleAccounts.CreatedUser admin = stack.user(org, "victim", Role.ADMIN);
        ConsoleClient fresh = new ConsoleClient(stack.base());
        HttpResponse<String> forgedSignIn = fresh.post("/console/sign-in", "csrf", "y".repeat(43), "email", admin.email(), "password", admin.password());
        assertThat(forgedSignIn.statusCode()).isEqualTo(403);
        assertThat(fresh.cookies).doesNotContainKey("tt_console_session");
    }

    /** The id of the org's one unrevoked key named {@code name}. */
    private static String liveKey(String org, String name) {
        return stack.sql().one("key", "SELECT key_id FROM api_keys WHERE org_id = ? AND name = ? AND revoked_at IS NULL", ps -> {
            ps.setString(1, org);
            ps.setString(2, name);
        }, rs -> rs.getString(1)).orElseThrow();
    }

    @Test
    void anAccountIsRefusedAfterTooManyFailuresEvenWithTheRightPassword() {
        String org = stack.org("limit", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        ConsoleClient c = new ConsoleClient(stack.base());
        HttpResponse<String> unknown = c.signIn("nobody@" + org + ".example", "whatever");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> wrong = c.signIn(owner.email(), "wrong password " + i);
            assertThat(wrong.statusCode()).isEqualTo(401);
            // The same words for an unknown address and a wrong password: the page does not say which accounts exist.
            assertThat(wrong.body()).contains("The e-mail address or the password is wrong.")
                    .as("both fields marked: the page does not say which one was wrong")
                    .containsPattern("<input type=\"email\" id=\"email\"[^>]*class=\"invalid\"")
                    .containsPattern("<input type=\"password\" id=\"password\"[^>]*class=\"invalid\"");
        }
        assertThat(unknown.body()).contains("The e-mail address or the password is wrong.");
        HttpResponse<String> refused = c.signIn(owner.email(), owner.password());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("Too many failed sign-ins");
        assertThat(c.cookies).doesNotContainKey("tt_console_session");
        // Another account is not affected by this one's failures.
        assertThat(new ConsoleClient(stack.base()).signIn(stack.user(org, "admin", Role.ADMIN).email(), "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void anAddressAtItsLimitIsRefusedForEveryAccountEvenWithTheRightPasswordWhileTheAccountsSignInFromElsewhere() {
        String org = stack.org("spray", "pro");
        List<ConsoleAccounts.CreatedUser> users = List.of(stack.user(org, "a", Role.MEMBER), stack.user(org, "b", Role.MEMBER),
                stack.user(org, "c", Role.MEMBER));
        // Password spraying: one guess per account, far below each account's limit of 3, all from one address that the
        // proxy on loopback forwards. The address limit of the shared test stack is 10,000 (every test signs in from
        // loopback), so the address starts with all but two of its failures used, in the count the limiter keeps.
        String attacker = testNetAddress();
        stack.stores().jedis().psetex(RedisKeys.signInFailures("address", SessionStore.digest(attacker)), Duration.ofMinutes(15).toMillis(),
                Integer.toString(ConsoleTestStack.SETTINGS.maxFailuresPerAddress() - 2));
        ConsoleClient sprayer = new ConsoleClient(stack.base());
        sprayer.headers.put("X-Forwarded-For", attacker);
        assertThat(sprayer.signIn(users.get(0).email(), "guess one").statusCode()).isEqualTo(401);
        assertThat(sprayer.signIn(users.get(1).email(), "guess two").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = sprayer.signIn(users.get(2).email(), users.get(2).password());
        assertThat(refused.statusCode()).as("a third account's right password from the address at its limit").isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("Too many failed sign-ins");
        assertThat(sprayer.cookies).doesNotContainKey("tt_console_session");

        // The accounts are not locked by the address's failures: each signs in from another address.
        for (ConsoleAccounts.CreatedUser user : users) {
            ConsoleClient elsewhere = new ConsoleClient(stack.base());
            elsewhere.headers.put("X-Forwarded-For", testNetAddress());
            assertThat(elsewhere.signIn(user.email(), user.password()).statusCode()).as(user.email()).isEqualTo(303);
        }
    }

    /** An address of the benchmarking range 198.18.0.0/15 (RFC 2544), random so that runs sharing the stack's Redis do not meet. */
    private static String testNetAddress() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "198." + (18 + r.nextInt(2)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    @Test
    void aMemberGetsTheNotAllowedPageWhereTheApiRefusesTheirRole() {
        String org = stack.org("roles", "pro");
        ConsoleClient member = signedIn(stack.user(org, "member", Role.MEMBER));
        assertThat(member.get("/console").statusCode()).as("the overview is any member's, as GET /api/v1/usage is").isEqualTo(200);
        HttpResponse<String> keys = member.get("/console/keys");
        assertThat(keys.statusCode()).isEqualTo(403);
        assertThat(keys.body()).contains("Not allowed", "admin role or higher", "signed in as a member").doesNotContain("Exception", "at io.");
        String csrf = ConsoleClient.csrfOf(member.get("/console").body());
        long before = keysOf(org);
        assertThat(member.post("/console/keys", "csrf", csrf, "name", "sneaky", "scope", "read").statusCode()).isEqualTo(403);
        assertThat(keysOf(org)).isEqualTo(before);
    }

    @Test
    void aRoleChangeAppliesToTheNextPageWithoutSigningInAgain() {
        String org = stack.org("promote", "pro");
        ConsoleAccounts.CreatedUser member = stack.user(org, "member", Role.MEMBER);
        ConsoleClient c = signedIn(member);
        assertThat(c.get("/console/keys").statusCode()).isEqualTo(403);
        new TeamStore(stack.sql()).changeRole(org, member.memberId(), "admin", AuditLog.Actor.OPERATOR);
        assertThat(c.get("/console/keys").statusCode()).as("promoted: the API's gate now lets them through, and so does the page").isEqualTo(200);
        new TeamStore(stack.sql()).changeRole(org, member.memberId(), "member", AuditLog.Actor.OPERATOR);
        assertThat(c.get("/console/keys").statusCode()).as("demoted again").isEqualTo(403);
    }

    @Test
    void anotherOrgsKeyIsNotFoundAndStaysActive() {
        String mine = stack.org("mine", "pro");
        String theirs = stack.org("theirs", "pro");
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        String theirKeyId = keys.create(theirs, null, "their key", List.of("read"), null).key().keyId();
        ConsoleClient c = signedIn(stack.user(mine, "owner", Role.OWNER));
        String csrf = ConsoleClient.csrfOf(c.get("/console/keys").body());
        HttpResponse<String> r = c.post("/console/keys/" + theirKeyId + "/revoke", "csrf", csrf);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("Not found");
        assertThat(keys.get(theirs, theirKeyId).orElseThrow().revokedAt()).isNull();
        assertThat(c.get("/console/keys").body()).doesNotContain(theirKeyId);
    }

    @Test
    void badFormInputMarksTheFieldWithTheReasonAndSavesNothing() {
        String org = stack.org("forms", "pro");
        ConsoleClient c = signedIn(stack.user(org, "admin", Role.ADMIN));
        String csrf = ConsoleClient.csrfOf(c.get("/console/keys").body());
        long before = keysOf(org);

        HttpResponse<String> noName = c.post("/console/keys", "csrf", csrf, "name", "", "scope", "read");
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(noName.body()).contains("id=\"error-name\"", "class=\"invalid\"");

        HttpResponse<String> badDate = c.post("/console/keys", "csrf", csrf, "name", "kept name", "scope", "write", "expires", "next tuesday");
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(badDate.body()).contains("id=\"error-expires\"", "YYYY-MM-DD", "value=\"kept name\"", "value=\"next tuesday\"");

        HttpResponse<String> past = c.post("/console/keys", "csrf", csrf, "name", "old", "scope", "read", "expires", "2020-01-01");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(past.body()).contains("id=\"error-expires\"", "must be in the future");

        HttpResponse<String> noScope = c.post("/console/keys", "csrf", csrf, "name", "nothing");
        assertThat(noScope.statusCode()).isEqualTo(400);
        assertThat(noScope.body()).contains("id=\"error-scopes\"");

        assertThat(keysOf(org)).isEqualTo(before);
    }

    @Test
    void theOrgPagesRefuseWhomTheirApiRoutesRefuse() {
        String org = stack.org("orgroles", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleAccounts.CreatedUser plain = stack.user(org, "member", Role.MEMBER);
        ConsoleClient member = signedIn(plain);
        for (String path : List.of("/console/teams", "/console/usage", "/console/usage.csv?group_by=key", "/console/api/usage-analytics?group_by=key",
                "/console/audit-log")) {
            HttpResponse<String> r = member.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).contains("Not allowed", "admin role or higher").doesNotContain("Exception", "at io.");
        }
        String csrf = ConsoleClient.csrfOf(member.get("/console").body());
        assertThat(member.post("/console/members/" + plain.memberId() + "/role", "csrf", csrf, "role", "owner").statusCode()).isEqualTo(403);
        assertThat(member.post("/console/members/" + owner.memberId() + "/remove", "csrf", csrf).statusCode()).isEqualTo(403);
        assertThat(roleOf(org, plain.memberId())).isEqualTo("member");
        assertThat(roleOf(org, owner.memberId())).isEqualTo("owner");

        // Handing ownership over is the owner's alone, as POST /api/v1/org/ownership is.
        ConsoleClient asAdmin = signedIn(admin);
        String adminCsrf = ConsoleClient.csrfOf(asAdmin.get("/console/teams").body());
        HttpResponse<String> grab = asAdmin.post("/console/members/" + admin.memberId() + "/make-owner", "csrf", adminCsrf);
        assertThat(grab.statusCode()).isEqualTo(403);
        assertThat(grab.body()).contains("Not allowed", "owner role");
        assertThat(roleOf(org, admin.memberId())).isEqualTo("admin");

        // The plan's gates too: a starter org has teams but not the analytics; a free org has neither.
        String starter = stack.org("orgstarter", "starter");
        ConsoleClient starterAdmin = signedIn(stack.user(starter, "admin", Role.ADMIN));
        assertThat(starterAdmin.get("/console/teams").statusCode()).isEqualTo(200);
        HttpResponse<String> analytics = starterAdmin.get("/console/usage");
        assertThat(analytics.statusCode()).as("the plan's gate answers as the API's: 402").isEqualTo(402);
        assertThat(analytics.body()).contains("Not allowed", "Upgrade");
        String free = stack.org("orgfree", "free");
        HttpResponse<String> teams = signedIn(stack.user(free, "owner", Role.OWNER)).get("/console/teams");
        assertThat(teams.statusCode()).isEqualTo(402);
        assertThat(teams.body()).contains("Not allowed", "Upgrade");
    }

    @Test
    void anotherOrgsMemberAndTeamAreNotFoundAndStayAsTheyWere() {
        String mine = stack.org("mineteams", "pro");
        String theirs = stack.org("theirteams", "pro");
        TeamStore teams = new TeamStore(stack.sql());
        ConsoleAccounts.CreatedUser theirOwner = stack.user(theirs, "owner", Role.OWNER);
        ConsoleAccounts.CreatedUser theirMember = stack.user(theirs, "member", Role.MEMBER);
        String theirTeam = teams.createTeam(theirs, "team-theirs", "Their team").teamId();
        ConsoleClient c = signedIn(stack.user(mine, "owner", Role.OWNER));
        String page = c.get("/console/teams").body();
        assertThat(page).doesNotContain(theirOwner.email(), theirMember.email(), "Their team");
        String csrf = ConsoleClient.csrfOf(page);

        for (HttpResponse<String> r : List.of(
                c.post("/console/members/" + theirMember.memberId() + "/role", "csrf", csrf, "role", "owner"),
                c.post("/console/members/" + theirOwner.memberId() + "/remove", "csrf", csrf),
                c.post("/console/members/" + theirMember.memberId() + "/make-owner", "csrf", csrf),
                c.post("/console/teams/" + theirTeam + "/rename", "csrf", csrf, "name", "Taken over"))) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("Not found");
        }
        assertThat(roleOf(theirs, theirMember.memberId())).isEqualTo("member");
        assertThat(roleOf(theirs, theirOwner.memberId())).isEqualTo("owner");
        assertThat(teams.team(theirs, theirTeam).orElseThrow().name()).isEqualTo("Their team");
        assertThat(c.get("/console/audit-log").body()).doesNotContain("Their team", theirTeam);
    }

    @Test
    void theTeamFormsChangeNothingWithoutTheSessionsCsrfToken() {
        String org = stack.org("teamcsrf", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        ConsoleAccounts.CreatedUser member = stack.user(org, "member", Role.MEMBER);
        String team = new TeamStore(stack.sql()).createTeam(org, "team-csrf", "Kept").teamId();
        ConsoleClient c = signedIn(owner);
        String othersToken = ConsoleClient.csrfOf(signedIn(stack.user(org, "admin", Role.ADMIN)).get("/console/teams").body());
        for (String token : new String[] {null, "x".repeat(43), othersToken}) {
            String[] csrf = token == null ? new String[0] : new String[] {"csrf", token};
            assertThat(c.post("/console/members/" + member.memberId() + "/role", concat(csrf, "role", "admin")).statusCode()).isEqualTo(403);
            assertThat(c.post("/console/members/" + member.memberId() + "/remove", csrf).statusCode()).isEqualTo(403);
            assertThat(c.post("/console/members/" + member.memberId() + "/make-owner", csrf).statusCode()).isEqualTo(403);
            assertThat(c.post("/console/teams/" + team + "/rename", concat(csrf, "name", "Forged")).statusCode()).isEqualTo(403);
        }
        assertThat(roleOf(org, member.memberId())).isEqualTo("member");
        assertThat(roleOf(org, owner.memberId())).isEqualTo("owner");
        assertThat(new TeamStore(stack.sql()).team(org, team).orElseThrow().name()).isEqualTo("Kept");
        assertThat(new AuditLog(stack.sql()).list(org, new AuditLog.Filter(null, "member", null, null), null, 10).items()).isEmpty();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private String roleOf(String org, String memberId) {
        return new TeamStore(stack.sql()).member(org, memberId).map(TeamStore.Member::role).orElse("removed");
    }
}
