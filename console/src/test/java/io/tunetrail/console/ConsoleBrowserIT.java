package io.tunetrail.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.testing.ConsoleClient;
import io.tunetrail.console.testing.ConsoleTestStack;
import io.tunetrail.console.testing.HeadlessChromium;
import io.tunetrail.store.online.RedisKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The console as a person uses it, in Debian's headless Chromium driven by Selenium (both binaries given explicitly:
 * nothing is downloaded), against the real API server on the local stack. Any JavaScript error or CSP violation in
 * the browser's log fails the test; a screenshot of every page goes to {@code target/screenshots/}.
 */
class ConsoleBrowserIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static String org;
    private static ConsoleAccounts.CreatedUser admin;
    private static ConsoleAccounts.CreatedUser member;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.start();
        browser = chromium.driver();

        org = stack.org("browser", "pro");
        admin = stack.user(org, "admin", Role.ADMIN);
        member = stack.user(org, "member", Role.MEMBER);
        // Usage the overview must draw: the API's own quota counters for today and this month.
        LocalDate today = LocalDate.ofInstant(stack.clock.instant(), ZoneOffset.UTC);
        stack.stores().jedis().incrBy(RedisKeys.usageDay(org, "api_calls", today), 4200);
        stack.stores().jedis().incrBy(RedisKeys.usageMonth(org, "api_calls", YearMonth.from(today)), 9100);
        stack.stores().jedis().incrBy(RedisKeys.usageDay(org, "audio_analysis", today), 35);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void freshBrowserSession() {
        browser.manage().deleteAllCookies();
    }

    @AfterEach
    void noJavaScriptErrors() {
        assertNoBrowserErrors();
    }

    private static void open(String path) {
        browser.get(stack.base() + path);
    }

    private static void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }

    /** Every SEVERE entry is a script error or a CSP refusal, except a page the test opened on purpose answering 402 or 403. */
    private static void assertNoBrowserErrors() {
        assertThat(chromium.errors(".*Failed to load resource: the server responded with a status of 40[23].*")).as("errors in the browser's log").isEmpty();
    }

    private static void signIn(ConsoleAccounts.CreatedUser user) {
        chromium.signIn(stack.base(), user.email(), user.password());
    }

    private static long chartPixels(String chartId) {
        // Opaque pixels of the bar colour (#2b6cb0 at 55% over white) drawn on the chart's canvas.
        Object n = ((JavascriptExecutor) browser).executeScript(
                "var c = document.querySelector('#' + arguments[0] + ' canvas'); if (!c) { return -1; }"
                        + "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, bars = 0;"
                        + "for (var i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && Math.abs(d[i] - 43) < 12 && Math.abs(d[i + 1] - 108) < 12"
                        + " && Math.abs(d[i + 2] - 176) < 12) { bars++; } } return bars;", chartId);
        return ((Number) n).longValue();
    }

    @Test
    void anAdminSeesTheOpenAlertsAndTheCostChartOnTheOverviewAndAcknowledgesAnAlert() throws Exception {
        String alerting = stack.org("alerting", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(alerting, "owner", Role.OWNER);
        LocalDate today = LocalDate.ofInstant(stack.clock.instant(), ZoneOffset.UTC);
        stack.sql().update("an alert", "INSERT INTO alerts (org_id, kind, resource, period, period_start, threshold_percent, limit_value, "
                + "used_value, reached_at) VALUES (?, 'quota', 'api_calls', 'day', ?, 80, 100000, 80123, now())", ps -> {
                    ps.setString(1, alerting);
                    ps.setObject(2, today);
                });
        for (LocalDate day : List.of(today.withDayOfMonth(1), today)) {
            stack.sql().update("a cost", "INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES (?, 'training', ?, ?, 3600, 150)",
                    ps -> {
                        ps.setString(1, alerting);
                        ps.setString(2, "job-" + day);
                        ps.setObject(3, day);
                    });
        }
        signIn(owner);

        assertThat(browser.findElement(By.id("alerts-table")).getText()).contains("api calls, daily quota: 80 % reached", "80,123", "100,000");
        chromium.waiting().until(d -> "true".equals(d.findElement(By.id("chart-cost")).getAttribute("data-drawn")));
        assertThat(browser.findElement(By.id("cost-summary")).getText()).contains(today.getDayOfMonth() == 1 ? "$150.00" : "$300.00", "$500.00");
        assertThat(chartPixels("chart-cost")).as("the cost-to-date line drawn on the cost chart").isGreaterThan(50);
        ((JavascriptExecutor) browser).executeScript("document.getElementById('alerts').scrollIntoView()");
        screenshot("20-overview-alerts-and-cost");

        browser.findElement(By.cssSelector("#alerts-table button.acknowledge")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("no-alerts")).isEmpty());
        assertThat(stack.sql().one("ack", "SELECT acknowledged_by FROM alerts WHERE org_id = ?", ps -> ps.setString(1, alerting), rs -> rs.getString(1)))
                .hasValue(owner.memberId());
        assertThat(stack.sql().list("audit", "SELECT action FROM audit_log WHERE org_id = ? AND actor_type = 'console'", ps -> ps.setString(1, alerting),
                rs -> rs.getString(1))).contains("alert.acknowledged");
        screenshot("21-overview-alert-acknowledged");
    }

    @Test
    void anAdminSignsInSeesTheUsageChartsCreatesAKeyOnceAndSignsOut() throws Exception {
        open("/console");
        assertThat(browser.getCurrentUrl()).as("signed out: to the sign-in page").endsWith("/console/sign-in");
        screenshot("01-sign-in");
        signIn(admin);

        chromium.waiting().until(d -> "true".equals(d.findElement(By.id("chart-day")).getAttribute("data-drawn"))
                && "true".equals(d.findElement(By.id("chart-month")).getAttribute("data-drawn")));
        assertThat(browser.findElement(By.id("plan-name")).getText()).isEqualTo("Pro");
        assertThat(browser.findElement(By.id("usage-table")).getText()).contains("api calls 4,200 100,000 9,100 unlimited",
                "audio analysis 35 1,000 0 unlimited");
        assertThat(chartPixels("chart-day")).as("bars drawn on today's chart").isGreaterThan(500);
        assertThat(chartPixels("chart-month")).as("bars drawn on this month's chart").isGreaterThan(500);
        assertThat(browser.findElement(By.id("alerts")).getText()).contains("No open alerts");
        screenshot("02-overview");

        open("/console/keys");
        browser.findElement(By.id("key-name")).sendKeys("browser key");
        browser.findElement(By.id("scope-write")).click();
        browser.findElement(By.id("create-key-submit")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("secret-value")).isEmpty());
        String secret = browser.findElement(By.id("secret-value")).getText();
        assertThat(secret).startsWith("tt_");
        browser.findElement(By.id("copy-secret")).click();
        chromium.waiting().until(d -> !d.findElement(By.id("copy-status")).getText().isEmpty());
        assertThat(browser.findElement(By.id("keys-table")).getText()).contains("browser key", "read, write");
        screenshot("03-keys-secret-shown");
        // The secret is a working key of the org, acting with the member's scopes.
        HttpResponse<String> withKey = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.base() + "/api/v1/usage"))
                .header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withKey.statusCode()).isEqualTo(200);
        assertThat(withKey.body()).contains(org);

        browser.navigate().refresh();
        assertThat(browser.findElements(By.id("secret-value"))).as("the secret is gone after a reload").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(secret);
        assertThat(browser.findElement(By.id("keys-table")).getText()).contains("browser key");
        screenshot("04-keys-after-reload");

        // A forged POST: the browser's own session cookie, but no CSRF token (what another site's form would send).
        long keysBefore = new ApiKeyStore(stack.sql()).list(org, null).size();
        ConsoleClient forger = new ConsoleClient(stack.base());
        forger.cookies.put("tt_console_session", browser.manage().getCookieNamed("tt_console_session").getValue());
        HttpResponse<String> forged = forger.post("/console/keys", "name", "forged", "scope", "read");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(new ApiKeyStore(stack.sql()).list(org, null)).hasSize((int) keysBefore);
        // The same forgery sent by the browser itself: the page's form without its token gets the refusal page.
        ((JavascriptExecutor) browser).executeScript("document.querySelector('#create-key input[name=csrf]').remove();");
        browser.findElement(By.id("key-name")).sendKeys("forged in the browser");
        browser.findElement(By.id("create-key-submit")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("message-heading")).isEmpty());
        assertThat(browser.findElement(By.id("message-heading")).getText()).startsWith("Refused");
        assertThat(browser.findElement(By.id("message-detail")).getText()).contains("Nothing was changed");
        screenshot("28-forged-form-refused");
        assertThat(new ApiKeyStore(stack.sql()).list(org, null)).hasSize((int) keysBefore);
        open("/console/keys");

        // Revoke through the page.
        browser.findElement(By.cssSelector("#keys-table tr[data-key-id] button.danger")).click();
        chromium.waiting().until(d -> d.findElement(By.id("keys-table")).getText().contains("revoked"));

        browser.findElement(By.id("sign-out")).click();
        chromium.waiting().until(d -> d.getCurrentUrl().endsWith("/console/sign-in"));
        open("/console/keys");
        assertThat(browser.getCurrentUrl()).as("signed out: the keys page leads to sign-in").endsWith("/console/sign-in");
        screenshot("05-signed-out");
    }

    @Test
    void anOwnerClicksUpgradeAndLandsOnStripesCheckoutWhileAMemberOnlyReadsThePlan() throws Exception {
        String starter = stack.org("upgrading", "starter");
        signIn(stack.user(starter, "owner", Role.OWNER));
        // A page the plan lacks says what it needs; its upgrade link leads to the billing page.
        open("/console/insights");
        assertThat(browser.findElement(By.id("message-heading")).getText()).isEqualTo("Not allowed");
        assertThat(browser.findElement(By.id("message-detail")).getText()).contains("Starter plan does not include", "pro, enterprise");
        screenshot("29-plan-lacks-the-page");
        browser.findElement(By.cssSelector("#message a")).click();
        chromium.waiting().until(d -> d.getCurrentUrl().endsWith("/console/billing"));
        assertThat(browser.findElement(By.id("plan-name")).getText()).isEqualTo("Starter");
        screenshot("22-billing");
        browser.findElement(By.id("upgrade-pro")).click();
        chromium.waiting().until(d -> d.getCurrentUrl().startsWith(stack.stripe.base() + "/c/pay/"));
        assertThat(browser.findElement(By.id("stripe-session")).getText()).startsWith("cs_test_");
        assertThat(stack.stripe.received("POST", "/v1/checkout/sessions")).anySatisfy(sent ->
                assertThat(sent.param("client_reference_id")).isEqualTo(starter));

        // Back on the console's path first: the browser deletes only the cookies the current page could send.
        open("/console/billing");
        browser.manage().deleteAllCookies();
        signIn(member);
        open("/console/billing");
        assertThat(browser.findElement(By.id("checkout-refused")).getText()).contains("owner role");
        assertThat(browser.findElements(By.cssSelector("#plan-offers button"))).isEmpty();
    }

    @Test
    void aPlainMemberIsRefusedOnTheAdminPage() throws Exception {
        signIn(member);
        open("/console/keys");
        assertThat(browser.findElement(By.id("message-heading")).getText()).isEqualTo("Not allowed");
        assertThat(browser.findElement(By.id("message-detail")).getText()).contains("admin role or higher", "member");
        assertThat(browser.findElements(By.id("create-key"))).isEmpty();
        screenshot("06-not-allowed");
    }

    @Test
    void aWrongPasswordIsRefusedOnThePage() throws Exception {
        open("/console/sign-in");
        browser.findElement(By.id("email")).sendKeys(member.email());
        browser.findElement(By.id("password")).sendKeys("not the password");
        browser.findElement(By.id("sign-in")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("sign-in-error")).isEmpty());
        assertThat(browser.findElement(By.id("sign-in-error")).getText()).contains("wrong");
        screenshot("07-sign-in-refused");
        // The 401 of the refused sign-in is expected here; clear it from the log so the check after the test sees only errors.
        List<LogEntry> entries = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("status of 401")).toList()).isEmpty();
    }

    @Test
    void anOwnerChangesARoleAndRenamesATeamAndIsToldTheyCannotStepDownAsLastOwner() throws Exception {
        String teamsOrg = stack.org("browser-teams", "pro");
        ConsoleAccounts.CreatedUser owner = stack.user(teamsOrg, "owner", Role.OWNER);
        ConsoleAccounts.CreatedUser colleague = stack.user(teamsOrg, "colleague", Role.MEMBER);
        new TeamStore(stack.sql()).createTeam(teamsOrg, "team-band", "Band");
        signIn(owner);
        open("/console/teams");
        String row = "#members-table tr[data-member-id='" + colleague.memberId() + "']";
        new Select(browser.findElement(By.cssSelector(row + " select[name=role]"))).selectByValue("admin");
        browser.findElement(By.cssSelector(row + " .role-form button")).click();
        chromium.waiting().until(d -> "admin".equals(d.findElement(By.cssSelector(row + " td.role")).getText()));

        WebElement name = browser.findElement(By.id("name-team-band"));
        name.clear();
        name.sendKeys("The band");
        browser.findElement(By.cssSelector("[data-team-id=team-band] .rename-form button")).click();
        chromium.waiting().until(d -> d.findElement(By.cssSelector("[data-team-id=team-band] h3")).getText().equals("The band"));

        String own = "#members-table tr[data-member-id='" + owner.memberId() + "']";
        new Select(browser.findElement(By.cssSelector(own + " select[name=role]"))).selectByValue("member");
        browser.findElement(By.cssSelector(own + " .role-form button")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("error-member-" + owner.memberId())).isEmpty());
        assertThat(browser.findElement(By.id("error-member-" + owner.memberId())).getText()).contains("last owner");
        screenshot("08-teams-last-owner-refused");
        // The refusal answered 409; that is the page's message, not a script error.
        clearExpectedStatus(409);
    }

    @Test
    void anAdminSeesTheUsageChartDrawnAndTheCsvLink() throws Exception {
        // An org of its own: these calls must not show in the overview's figures of the shared org.
        String usageOrg = stack.org("browser-usage", "pro");
        ConsoleAccounts.CreatedUser usageAdmin = stack.user(usageOrg, "admin", Role.ADMIN);
        String secret = new ApiKeyStore(stack.sql()).create(usageOrg, null, usageAdmin.memberId(), "chart key", List.of("read"), null).secret();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.base() + "/api/v1/tracks/top"))
                    .header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        signIn(usageAdmin);
        open("/console/usage");
        new Select(browser.findElement(By.id("group_by"))).selectByValue("key");
        browser.findElement(By.id("usage-show")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("usage-chart")).isEmpty()
                && "true".equals(d.findElement(By.id("usage-chart")).getAttribute("data-drawn")));
        assertThat(browser.findElement(By.id("usage-totals")).getText()).contains("chart key", "4");
        Object canvases = ((JavascriptExecutor) browser).executeScript("return document.querySelectorAll('#usage-chart canvas').length;");
        assertThat(((Number) canvases).intValue()).isPositive();
        assertThat(browser.findElement(By.id("usage-csv")).getAttribute("href")).contains("/console/usage.csv?group_by=key&granularity=day");
        screenshot("09-usage");
    }

    @Test
    void anAdminFiltersTheAuditLog() throws Exception {
        signIn(admin);
        open("/console/keys");
        browser.findElement(By.id("key-name")).sendKeys("audited key");
        browser.findElement(By.id("create-key-submit")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("secret-value")).isEmpty());
        open("/console/audit-log");
        browser.findElement(By.id("action")).sendKeys("api_key");
        browser.findElement(By.id("audit-filter")).click();
        chromium.waiting().until(d -> d.getCurrentUrl().contains("action=api_key"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#audit-table tr.audit-entry"));
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.getText()).contains("api_key."));
        assertThat(browser.findElement(By.id("audit-table")).getText()).contains("api_key.created", admin.email() + " (console)");
        screenshot("10-audit-log");
    }

    @Test
    void theForgotPasswordResetAndInvitationPagesAreReachedFromTheirLinks() throws Exception {
        // A user of their own: a reset request counts against the account's sign-in limit, which the other tests use.
        ConsoleAccounts.CreatedUser forgetful = stack.user(org, "forgetful", Role.MEMBER);
        open("/console/sign-in");
        browser.findElement(By.id("forgot-link")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("forgot-form")).isEmpty());
        browser.findElement(By.id("email")).sendKeys(forgetful.email());
        screenshot("23-forgot-password");
        browser.findElement(By.id("send-reset")).click();
        chromium.waiting().until(d -> d.findElement(By.id("message-heading")).getText().equals("Check your e-mail"));
        screenshot("24-forgot-password-sent");

        // The links the e-mails carry, taken from the outbox, opened in the browser as the recipient would.
        open("/console/reset?token=" + mailedToken(forgetful.email(), "reset"));
        assertThat(browser.findElement(By.id("password-form")).getAttribute("action")).endsWith("/console/reset");
        screenshot("25-password-reset");

        ConsoleClient inviter = new ConsoleClient(stack.base());
        assertThat(inviter.signIn(admin.email(), admin.password()).statusCode()).isEqualTo(303);
        String invited = "invited.in.browser@" + org + ".example";
        assertThat(inviter.post("/console/invitations", "csrf", ConsoleClient.csrfOf(inviter.get("/console/teams").body()), "email", invited,
                "role", "member", "team", "").statusCode()).isEqualTo(200);
        open("/console/invitation?token=" + mailedToken(invited, "invitation"));
        assertThat(browser.findElement(By.id("password-form")).getAttribute("action")).endsWith("/console/invitation");
        screenshot("26-invitation-acceptance");
    }

    /** The token of the {@code page} link (reset, invitation) in the latest e-mail to {@code to} in the outbox. */
    private static String mailedToken(String to, String page) {
        String body = stack.sql().one("reading the outbox", "SELECT body FROM email_outbox WHERE lower(to_address) = lower(?) "
                + "ORDER BY email_id DESC LIMIT 1", ps -> ps.setString(1, to), rs -> rs.getString(1)).orElseThrow();
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/console/" + page + "\\?token=([A-Za-z0-9_-]{43})").matcher(body);
        assertThat(link.find()).as("a " + page + " link in: " + body).isTrue();
        return link.group(1);
    }

    /** Takes the entries of a refusal the test provoked on purpose out of the browser's log, failing on any other error. */
    private static void clearExpectedStatus(int status) {
        List<LogEntry> entries = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("status of " + status)).toList()).isEmpty();
    }
}
