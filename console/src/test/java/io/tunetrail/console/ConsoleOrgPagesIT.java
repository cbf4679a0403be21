package io.tunetrail.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.testing.ConsoleClient;
import io.tunetrail.console.testing.ConsoleTestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The org's pages at the HTTP level, against the real API server on the local stack: Teams & members (the owner rules
 * refused beside their row, changes audited as the signed-in member), Usage (the analytics of real API calls, its CSV
 * export), the Audit log (filters, paging), Feature flags (through the API's flag service) and the White label.
 */
class ConsoleOrgPagesIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private final HttpClient api = HttpClient.newHttpClient();

    private ConsoleClient signedIn(ConsoleAccounts.CreatedUser user) {
        ConsoleClient c = new ConsoleClient(stack.base());
        assertThat(c.signIn(user.email(), user.password()).statusCode()).isEqualTo(303);
        return c;
    }

    private String roleOf(String org, String memberId) {
        return new TeamStore(stack.sql()).member(org, memberId).map(TeamStore.Member::role).orElse("removed");
    }

    private List<AuditLog.Entry> audited(String org, String action) {
        return new AuditLog(stack.sql()).list(org, new AuditLog.Filter(null, action, null, null), null, 50).items();
    }

    @Test
    void anOwnerUpgradesThroughCheckoutAndTheApiRefusalsShowOnTheBillingPageWhileAnAdminOnlyReadsIt() {
        String org = stack.org("billing", "starter");
        ConsoleClient owner = signedIn(stack.user(org, "owner", Role.OWNER));
        HttpResponse<String> page = owner.get("/console/billing");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"plan-name\">Starter<", "$49.00 a month", "none: the plan is not billed through Stripe",
                "id=\"upgrade-pro\"", "id=\"upgrade-enterprise\"", "id=\"open-portal\"").doesNotContain("upgrade-starter", "upgrade-free");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .as("the forms may go on to Stripe's pages, here the stand-in's").contains("form-action 'self' https://checkout.stripe.com "
                        + "https://billing.stripe.com " + stack.stripe.base() + ";");
        assertThat(owner.get("/console/keys").headers().firstValue("Content-Security-Policy").orElseThrow()).contains("form-action 'self';");
        String csrf = ConsoleClient.csrfOf(page.body());
        stack.stripe.clear();

        assertThat(owner.post("/console/billing/checkout", "plan_id", "pro").statusCode()).as("no CSRF token").isEqualTo(403);
        HttpResponse<String> down = owner.post("/console/billing/checkout", "csrf", csrf, "plan_id", "starter");
        assertThat(down.statusCode()).isEqualTo(409);
        assertThat(down.body()).contains("id=\"billing-error\"", "not above the current plan").doesNotContain("Exception");
        HttpResponse<String> portal = owner.post("/console/billing/portal", "csrf", csrf);
        assertThat(portal.statusCode()).isEqualTo(409);
        assertThat(portal.body()).contains("id=\"billing-error\"", "no Stripe customer yet");
        assertThat(stack.stripe.received("POST", "/v1/")).as("nothing reached Stripe").isEmpty();

        HttpResponse<String> checkout = owner.post("/console/billing/checkout", "csrf", csrf, "plan_id", "pro");
        assertThat(checkout.statusCode()).isEqualTo(303);
        assertThat(checkout.headers().firstValue("Location").orElseThrow()).startsWith(stack.stripe.base() + "/c/pay/cs_test_");
        assertThat(stack.stripe.received("POST", "/v1/checkout/sessions")).singleElement().satisfies(sent -> {
            assertThat(sent.param("client_reference_id")).isEqualTo(org);
            assertThat(sent.param("line_items[0][price]")).isEqualTo("price_pro_monthly");
            assertThat(sent.param("success_url")).isEqualTo("http://console.test/console/billing?done=checkout");
            assertThat(sent.param("cancel_url")).isEqualTo("http://console.test/console/billing");
        });
        assertThat(owner.get("/console/billing?done=checkout").body()).contains("id=\"billing-notice\"", "Stripe confirms");

        // An admin sees the plan but not the owner's actions; posting one anyway is refused as the API refuses it.
        ConsoleClient admin = signedIn(stack.user(org, "admin", Role.ADMIN));
        String adminPage = admin.get("/console/billing").body();
        assertThat(adminPage).contains("id=\"plan-name\">Starter<", "id=\"checkout-refused\"", "owner role", "id=\"portal-refused\"")
                .doesNotContain("upgrade-pro", "open-portal");
        HttpResponse<String> refused = admin.post("/console/billing/checkout", "csrf", ConsoleClient.csrfOf(adminPage), "plan_id", "pro");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Not allowed", "owner role");
        assertThat(stack.stripe.received("POST", "/v1/checkout/sessions")).hasSize(1);
    }

    @Test
    void anOwnerManagesRolesTeamsAndOwnershipAndTheOwnerRulesAreShownBesideTheirRow() {
        String org = stack.org("teams", "pro");
        TeamStore teams = new TeamStore(stack.sql());
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleAccounts.CreatedUser member = stack.user(org, "member", Role.MEMBER);
        String team = teams.createTeam(org, "team-core", "Core").teamId();
        teams.createTeam(org, "team-web", "Web");
        teams.addMember(org, team, member.memberId(), member.email(), "member");
        ConsoleClient c = signedIn(owner);

        String page = c.get("/console/teams").body();
        assertThat(page).contains(owner.email(), admin.email(), member.email(), "Core", "Web", "data-member-id=\"" + member.memberId() + "\"");
        String csrf = ConsoleClient.csrfOf(page);

        assertThat(c.post("/console/members/" + member.memberId() + "/role", "csrf", csrf, "role", "admin").statusCode()).isEqualTo(303);
        assertThat(roleOf(org, member.memberId())).isEqualTo("admin");
        assertThat(audited(org, "member.role_changed")).singleElement().satisfies(e -> {
            assertThat(e.actorType()).isEqualTo("console");
            assertThat(e.actorMemberId()).isEqualTo(owner.memberId());
            assertThat(e.targetId()).isEqualTo(member.memberId());
        });

        assertThat(c.post("/console/teams/" + team + "/rename", "csrf", csrf, "name", "Core platform").statusCode()).isEqualTo(303);
        assertThat(teams.team(org, team).orElseThrow().name()).isEqualTo("Core platform");
        // A name another team has, and an empty one: refused beside the team's form, the typed name kept, nothing saved.
        HttpResponse<String> taken = c.post("/console/teams/" + team + "/rename", "csrf", csrf, "name", "web");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("id=\"error-team-" + team + "\"", "exists already", "value=\"web\"");
        HttpResponse<String> empty = c.post("/console/teams/" + team + "/rename", "csrf", csrf, "name", " ");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("id=\"error-team-" + team + "\"");
        assertThat(teams.team(org, team).orElseThrow().name()).isEqualTo("Core platform");

        // The last owner cannot step down: the API's owner rule, shown on the owner's own row.
        HttpResponse<String> lastOwner = c.post("/console/members/" + owner.memberId() + "/role", "csrf", csrf, "role", "admin");
        assertThat(lastOwner.statusCode()).isEqualTo(409);
        assertThat(lastOwner.body()).contains("id=\"error-member-" + owner.memberId() + "\"", "last owner").doesNotContain("Exception");
        assertThat(roleOf(org, owner.memberId())).isEqualTo("owner");
        HttpResponse<String> badRole = c.post("/console/members/" + admin.memberId() + "/role", "csrf", csrf, "role", "superuser");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(badRole.body()).contains("id=\"error-member-" + admin.memberId() + "\"");
        assertThat(roleOf(org, admin.memberId())).isEqualTo("admin");

        // An admin may not touch an owner: the API's role rule, on the owner's row of the admin's page.
        ConsoleClient asAdmin = signedIn(admin);
        String adminCsrf = ConsoleClient.csrfOf(asAdmin.get("/console/teams").body());
        assertThat(asAdmin.get("/console/teams").body()).as("no owner controls for an admin").doesNotContain("make-owner");
        HttpResponse<String> demoteOwner = asAdmin.post("/console/members/" + owner.memberId() + "/role", "csrf", adminCsrf, "role", "member");
        assertThat(demoteOwner.statusCode()).isEqualTo(403);
        assertThat(demoteOwner.body()).contains("id=\"error-member-" + owner.memberId() + "\"");
        assertThat(roleOf(org, owner.memberId())).isEqualTo("owner");

        // Ownership handed over: the admin becomes the owner and the former owner an admin, at once.
        assertThat(c.post("/console/members/" + admin.memberId() + "/make-owner", "csrf", csrf).statusCode()).isEqualTo(303);
        assertThat(roleOf(org, admin.memberId())).isEqualTo("owner");
        assertThat(roleOf(org, owner.memberId())).isEqualTo("admin");
        assertThat(audited(org, "org.ownership_transferred")).singleElement().satisfies(e -> assertThat(e.actorMemberId()).isEqualTo(owner.memberId()));

        // A removed member's console session ends with their seat.
        ConsoleClient removed = signedIn(member);
        assertThat(asAdmin.post("/console/members/" + member.memberId() + "/remove", "csrf", adminCsrf).statusCode()).isEqualTo(303);
        assertThat(roleOf(org, member.memberId())).isEqualTo("removed");
        assertThat(removed.get("/console").statusCode()).isEqualTo(303);
        assertThat(c.get("/console/teams").body()).doesNotContain(member.email());
        assertThat(audited(org, "member.removed")).singleElement().satisfies(e -> {
            assertThat(e.actorType()).isEqualTo("console");
            assertThat(e.actorMemberId()).isEqualTo(admin.memberId());
        });
    }

    private void call(String secret, int n) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(URI.create(stack.base() + "/api/v1/tracks/top"))
                    .header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void theUsagePageShowsTheCallsOfEachKeyAndExportsThemAsCsv() throws Exception {
        String org = stack.org("usage", "pro");
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        new TeamStore(stack.sql()).createTeam(org, "t-web", "Web");
        ApiKeyStore.CreatedKey web = keys.create(org, "t-web", admin.memberId(), "web frontend", List.of("read"), null);
        // A name a spreadsheet would run as a formula: the export must keep it text.
        ApiKeyStore.CreatedKey formula = keys.create(org, null, admin.memberId(), "=HYPERLINK(\"http://x\",\"y\")", List.of("read"), null);
        call(web.secret(), 3);
        call(formula.secret(), 2);
        ConsoleClient c = signedIn(admin);

        HttpResponse<String> page = c.get("/console/usage?group_by=key&granularity=day");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"usage-totals\"", "web frontend (" + web.key().prefix(), web.key().keyId(), "<td>3</td>",
                "id=\"usage-chart\"", "/console/static/usage.js");

        HttpResponse<String> byMember = c.get("/console/usage?group_by=member");
        assertThat(byMember.body()).contains(admin.email(), "<td>5</td>");
        // The team's key under the team's name; the key of no team under its own label.
        HttpResponse<String> byTeam = c.get("/console/usage?group_by=team");
        assertThat(byTeam.statusCode()).isEqualTo(200);
        assertThat(byTeam.body()).contains("<tr><td>Web</td><td><code>t-web</code></td><td>3</td></tr>", "<tr><td>keys of no team</td>")
                .doesNotContain("<td>5</td>");
        HttpResponse<String> byRoute = c.get("/console/usage?group_by=route");
        assertThat(byRoute.body()).contains("/api/v1/tracks/top", "<td>5</td>");
        // A range chosen on the form that ends weeks before the calls holds none of them.
        java.time.LocalDate today = java.time.LocalDate.ofInstant(stack.clock.instant(), java.time.ZoneOffset.UTC);
        HttpResponse<String> earlier = c.get("/console/usage?group_by=key&from=" + today.minusDays(60) + "&to=" + today.minusDays(30));
        assertThat(earlier.statusCode()).isEqualTo(200);
        assertThat(earlier.body()).contains("value=\"" + today.minusDays(60) + "\"").doesNotContain("web frontend", web.key().keyId());

        String query = "group_by=key&granularity=day";
        HttpResponse<String> chart = c.get("/console/api/usage-analytics?" + query);
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(chart.body()).contains("\"measure\":\"calls\"", "web frontend");

        HttpResponse<String> csv = c.get("/console/usage.csv?" + query);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String disposition = csv.headers().firstValue("Content-Disposition").orElse("");
        assertThat(disposition).matches("attachment; filename=\"tunetrail-usage-key-day-[0-9]{8}T[0-9]{4}Z-[0-9]{8}T[0-9]{4}Z\\.csv\"");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("period_start,key,label,calls");
        assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("," + web.key().keyId() + ",web frontend (" + web.key().prefix() + "…),3"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")", ",2"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(",=HYPERLINK"));

        // Bad input: the field is marked with the API's reason, and no data is shown.
        HttpResponse<String> bad = c.get("/console/usage?group_by=key&from=last+week");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"error-from\"", "value=\"last week\"").doesNotContain("id=\"usage-totals\"");
        HttpResponse<String> hourlyLedger = c.get("/console/usage?group_by=resource&granularity=hour");
        assertThat(hourlyLedger.statusCode()).isEqualTo(400);
        assertThat(hourlyLedger.body()).contains("id=\"error-granularity\"");
        assertThat(c.get("/console/usage.csv?group_by=nonsense").statusCode()).isEqualTo(400);
    }

    private java.util.Optional<io.tunetrail.api.service.FlagService.Flag> flag(String org, String key) {
        return new io.tunetrail.api.service.FlagService(stack.sql(), io.tunetrail.model.PlanCatalog.load()).list(
                new io.tunetrail.api.auth.Principal(org, null, null, java.util.Set.of(), io.tunetrail.model.PlanCatalog.load().plan("pro"), false, null,
                        Role.ADMIN, null)).stream().filter(f -> f.key().equals(key)).findFirst();
    }

    @Test
    void anAdminCreatesTogglesAndRollsOutFlagsAMemberAForgerAndAnotherOrgChangeNothing() {
        String org = stack.org("flags", "pro");
        String other = stack.org("flags-other", "pro");
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleClient c = signedIn(admin);
        String page = c.get("/console/flags").body();
        assertThat(page).contains("id=\"flags-empty\"", "id=\"flag-form\"");
        String csrf = ConsoleClient.csrfOf(page);

        HttpResponse<String> badKey = c.post("/console/flags", "csrf", csrf, "flag_key", "New Player", "description", "x", "rollout_percent", "50",
                "enabled", "on");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(badKey.body()).contains("id=\"error-flag_key\"", "value=\"New Player\"");
        HttpResponse<String> badRollout = c.post("/console/flags", "csrf", csrf, "flag_key", "new-player", "rollout_percent", "150");
        assertThat(badRollout.statusCode()).isEqualTo(400);
        assertThat(badRollout.body()).contains("id=\"error-rollout_percent\"", "'150'");
        HttpResponse<String> badPlan = c.post("/console/flags", "csrf", csrf, "flag_key", "new-player", "plans", "pro", "plans", "platinum",
                "rollout_percent", "50");
        assertThat(badPlan.statusCode()).isEqualTo(400);
        assertThat(badPlan.body()).contains("id=\"error-plans\"", "platinum");
        assertThat(flag(org, "new-player")).as("nothing saved by a refused form").isEmpty();

        HttpResponse<String> created = c.post("/console/flags", "csrf", csrf, "flag_key", "new-player", "description", "The new player",
                "plans", "pro", "plans", "enterprise", "rollout_percent", "25", "enabled", "on");
        assertThat(created.statusCode()).isEqualTo(303);
        assertThat(flag(org, "new-player")).hasValueSatisfying(f -> {
            assertThat(f.enabled()).isTrue();
            assertThat(f.rolloutPercent()).isEqualTo(25);
            assertThat(f.plans()).containsExactly("pro", "enterprise");
        });
        assertThat(c.get("/console/flags?done=written").body()).contains("data-flag=\"new-player\"", "pro, enterprise", "Switch off", "id=\"flags-notice\"");

        assertThat(c.post("/console/flags/toggle", "csrf", csrf, "flag_key", "new-player", "enabled", "false").statusCode()).isEqualTo(303);
        assertThat(flag(org, "new-player").orElseThrow().enabled()).isFalse();
        assertThat(flag(org, "new-player").orElseThrow().rolloutPercent()).as("the rest written back as read").isEqualTo(25);
        HttpResponse<String> rolloutBad = c.post("/console/flags/rollout", "csrf", csrf, "flag_key", "new-player", "rollout_percent", "half");
        assertThat(rolloutBad.statusCode()).isEqualTo(400);
        assertThat(rolloutBad.body()).contains("class=\"field-error rollout-error\"");
        assertThat(c.post("/console/flags/rollout", "csrf", csrf, "flag_key", "new-player", "rollout_percent", "80").statusCode()).isEqualTo(303);
        assertThat(flag(org, "new-player").orElseThrow().rolloutPercent()).isEqualTo(80);
        assertThat(flag(org, "new-player").orElseThrow().enabled()).isFalse();
        assertThat(audited(org, "flag.written")).hasSize(3).allSatisfy(e -> {
            assertThat(e.actorType()).isEqualTo("console");
            assertThat(e.actorMemberId()).isEqualTo(admin.memberId());
        });

        // Another org's flag: not found, not created, not changed.
        ConsoleClient otherAdmin = signedIn(stack.user(other, "admin", Role.ADMIN));
        String otherCsrf = ConsoleClient.csrfOf(otherAdmin.get("/console/flags").body());
        HttpResponse<String> foreign = otherAdmin.post("/console/flags/toggle", "csrf", otherCsrf, "flag_key", "new-player", "enabled", "true");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(flag(other, "new-player")).isEmpty();
        assertThat(flag(org, "new-player").orElseThrow().enabled()).isFalse();
        assertThat(otherAdmin.get("/console/flags").body()).doesNotContain("new-player");

        assertThat(c.post("/console/flags/toggle", "flag_key", "new-player", "enabled", "true").statusCode()).as("no CSRF token").isEqualTo(403);
        ConsoleClient member = signedIn(stack.user(org, "member", Role.MEMBER));
        HttpResponse<String> memberPage = member.get("/console/flags");
        assertThat(memberPage.statusCode()).isEqualTo(403);
        assertThat(memberPage.body()).contains("Not allowed", "admin role");
        assertThat(member.post("/console/flags/toggle", "csrf", csrf, "flag_key", "new-player", "enabled", "true").statusCode()).isEqualTo(403);
        assertThat(flag(org, "new-player").orElseThrow().enabled()).isFalse();
    }

    private static byte[] png(int width, int height) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xffcc00);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private long brandingRows(String org) {
        return stack.sql().one("counting", "SELECT count(*) FROM org_branding WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getLong(1))
                .orElseThrow();
    }

    @Test
    void anEnterpriseOwnerSetsTheWhiteLabelEveryMemberSeesItAndBadLogosAndOtherOrgsGetNothing() throws Exception {
        String org = stack.org("brand", "enterprise");
        ConsoleClient owner = signedIn(stack.user(org, "owner", Role.OWNER));
        String page = owner.get("/console/branding").body();
        assertThat(page).contains("id=\"branding-form\"").doesNotContain("id=\"org-brand\"");
        String csrf = ConsoleClient.csrfOf(page);
        byte[] logo = png(64, 32);

        String svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        HttpResponse<String> bad = owner.upload("/console/branding", "logo", "logo.svg", svg.getBytes(java.nio.charset.StandardCharsets.UTF_8), "csrf", csrf,
                "display_name", " ", "accent_color", "red");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"error-display_name\"", "id=\"error-accent_color\"", "'red' is not a colour", "id=\"error-logo\"",
                "SVG logos are refused").doesNotContain("<script>alert");
        byte[] huge = java.util.Arrays.copyOf(png(64, 32), 300 * 1024);
        assertThat(owner.upload("/console/branding", "logo", "big.png", huge, "csrf", csrf, "display_name", "Acme", "accent_color", "#ffcc00").body())
                .contains("id=\"error-logo\"", "at most 262144");
        byte[] bomb = png(8, 8);
        java.nio.ByteBuffer.wrap(bomb, 16, 8).putInt(50_000).putInt(50_000);
        assertThat(owner.upload("/console/branding", "logo", "bomb.png", bomb, "csrf", csrf, "display_name", "Acme", "accent_color", "#ffcc00").body())
                .contains("id=\"error-logo\"", "50000 × 50000 pixels");
        assertThat(owner.upload("/console/branding", "logo", "logo.png", logo, "display_name", "Acme", "accent_color", "#ffcc00").statusCode())
                .as("no CSRF token").isEqualTo(403);
        assertThat(brandingRows(org)).as("nothing saved by refused forms").isZero();

        HttpResponse<String> saved = owner.upload("/console/branding", "logo", "logo.png", logo, "csrf", csrf, "display_name", "Acme Sound",
                "accent_color", "#FFCC00");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
        assertThat(audited(org, "org.branding_changed")).singleElement().satisfies(e -> assertThat(e.actorType()).isEqualTo("console"));

        ConsoleClient member = signedIn(stack.user(org, "member", Role.MEMBER));
        String overview = member.get("/console").body();
        assertThat(overview).contains("id=\"org-brand\"", "Acme Sound", "id=\"org-logo\"", "/console/branding.css?v=");
        HttpResponse<String> css = member.get("/console/branding.css");
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(css.body()).contains(".top { background: #ffcc00; color: #1a202c; }");
        java.net.http.HttpResponse<byte[]> served = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(stack.base() + "/console/branding/logo")).header("Cookie", member.cookies.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining("; "))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(served.body()).isEqualTo(logo);
        assertThat(member.get("/console/branding").statusCode()).as("owners only").isEqualTo(403);

        // Another enterprise org: its own (none), never this one's.
        String other = stack.org("brand-other", "enterprise");
        ConsoleClient stranger = signedIn(stack.user(other, "owner", Role.OWNER));
        assertThat(stranger.get("/console").body()).doesNotContain("Acme Sound", "org-brand");
        assertThat(stranger.get("/console/branding/logo").statusCode()).isEqualTo(404);
        assertThat(stranger.get("/console/branding.css").body()).isEmpty();

        // A plan without it: what it needs and the upgrade; a downgraded org's label is no longer shown.
        String pro = stack.org("brand-pro", "pro");
        HttpResponse<String> gated = signedIn(stack.user(pro, "owner", Role.OWNER)).get("/console/branding");
        assertThat(gated.statusCode()).isEqualTo(402);
        assertThat(gated.body()).contains("Not allowed", "enterprise", "Upgrade");

        HttpResponse<String> removed = owner.upload("/console/branding", "logo", "", new byte[0], "csrf", csrf, "display_name", "Acme Sound",
                "accent_color", "#1a365d", "remove_logo", "on");
        assertThat(removed.statusCode()).isEqualTo(303);
        assertThat(member.get("/console/branding/logo").statusCode()).isEqualTo(404);
        assertThat(member.get("/console").body()).contains("Acme Sound").doesNotContain("org-logo");
        stack.sql().update("downgrade", "UPDATE organisations SET plan_id = 'pro' WHERE org_id = ?", ps -> ps.setString(1, org));
        assertThat(member.get("/console").body()).doesNotContain("Acme Sound").contains("TuneTrail console");
    }

    @Test
    void theAuditLogPagesNewestFirstAndFilters() {
        String org = stack.org("audit", "pro");
        String other = stack.org("audit-other", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(org, "owner", Role.OWNER);
        TeamStore teams = new TeamStore(stack.sql());
        for (int i = 0; i < 30; i++) {
            teams.createTeam(org, "team-" + i, "Team " + i);
        }
        teams.createTeam(other, "team-secret", "Their secret team");
        ConsoleClient c = signedIn(owner);
        String csrf = ConsoleClient.csrfOf(c.get("/console/teams").body());
        assertThat(c.post("/console/teams/team-7/rename", "csrf", csrf, "name", "Renamed seven").statusCode()).isEqualTo(303);

        HttpResponse<String> first = c.get("/console/audit-log");
        assertThat(first.statusCode()).isEqualTo(200);
        List<String> rows = first.body().lines().filter(l -> l.contains("class=\"audit-entry\"")).toList();
        assertThat(rows).hasSize(25);
        assertThat(rows.get(0)).as("newest first: the console's rename").contains("team.renamed", owner.email() + " (console)", "Renamed seven");
        assertThat(first.body()).doesNotContain("Their secret team");
        String next = first.body().replaceAll("(?s).*id=\"audit-next\" href=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
        HttpResponse<String> second = c.get(next);
        int total = new AuditLog(stack.sql()).list(org, new AuditLog.Filter(null, null, null, null), null, 200).items().size();
        assertThat(total).isGreaterThanOrEqualTo(31).isLessThanOrEqualTo(50);
        assertThat(second.body().lines().filter(l -> l.contains("class=\"audit-entry\"")).count()).isEqualTo(total - 25);
        assertThat(second.body()).doesNotContain("id=\"audit-next\"").contains("id=\"audit-first\"");

        HttpResponse<String> renames = c.get("/console/audit-log?action=team.renamed&actor=" + owner.memberId());
        assertThat(renames.body().lines().filter(l -> l.contains("class=\"audit-entry\"")).count()).isEqualTo(1);
        HttpResponse<String> none = c.get("/console/audit-log?actor=" + stack.user(org, "idle", Role.ADMIN).memberId());
        assertThat(none.body()).contains("id=\"audit-empty\"");

        HttpResponse<String> badDay = c.get("/console/audit-log?from=yesterday");
        assertThat(badDay.statusCode()).isEqualTo(400);
        assertThat(badDay.body()).contains("id=\"error-from\"", "YYYY-MM-DD");
        HttpResponse<String> badAction = c.get("/console/audit-log?action=DROP+TABLE");
        assertThat(badAction.statusCode()).isEqualTo(400);
        assertThat(badAction.body()).contains("id=\"error-action\"");
        HttpResponse<String> backwards = c.get("/console/audit-log?from=2026-12-05&to=2026-12-01");
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("id=\"error-from\"");
    }
}
