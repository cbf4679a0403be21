package io.tunetrail.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.auth.Role;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.testing.ConsoleTestStack;
import io.tunetrail.console.testing.HeadlessChromium;
import io.tunetrail.console.testing.ModelData;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.TrainingRequest;
import java.io.IOException;
import java.util.List;
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

/**
 * The Models, Insights, Audio, Feature flags and White label pages in a real browser (one Chromium for the class) on a demo-like enterprise org with
 * versions, a training run in progress and analytics: the charts are drawn, a pin is made and seen, the training
 * progress moves without a reload, and no script error or CSP refusal reaches the browser's log.
 */
class ConsoleModelsBrowserIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static ModelData data;
    private static String org;
    private static ConsoleAccounts.CreatedUser admin;
    private static List<ModelVersion> versions;
    private static TrainingRequest training;

    @BeforeAll
    static void startBrowserAndSeed() throws IOException {
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
        org = stack.org("browser-models", "enterprise");
        data = new ModelData(stack.sql());
        versions = data.alsVersions(org, 3, 2);
        data.analytics(org);
        training = data.runningTraining(org, "loading", 10);
        admin = stack.user(org, "admin", Role.ADMIN);
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
        assertThat(chromium.errors(null)).as("errors in the browser's log").isEmpty();
    }

    private static void signIn(ConsoleAccounts.CreatedUser user) {
        chromium.signIn(stack.base(), user.email(), user.password());
    }

    private static long script(String js, Object... args) {
        return ((Number) ((JavascriptExecutor) browser).executeScript(js, args)).longValue();
    }

    @Test
    void anAdminSeesTheMetricChartsPinsAVersionAndWatchesTrainingProgress() throws Exception {
        signIn(admin);
        browser.get(stack.base() + "/console/models");
        chromium.waiting().until(d -> "true".equals(d.findElement(By.id("metrics-charts")).getAttribute("data-drawn")));
        assertThat(script("return document.querySelectorAll('#metrics-charts figure[data-drawn=true] canvas').length;"))
                .as("one drawn chart per metric: evaluated_users, ndcg_at_10, precision_at_10").isEqualTo(3);
        // Pixels of the first series colour (#2b6cb0) on the first chart's canvas: its line and points.
        long drawn = script("var c = document.querySelector('#metrics-charts figure canvas');"
                + "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                + "for (var i = 0; i < d.length; i += 4) { if (d[i + 3] > 200 && Math.abs(d[i] - 43) < 20 && Math.abs(d[i + 1] - 108) < 20"
                + " && Math.abs(d[i + 2] - 176) < 20) { n++; } } return n;");
        assertThat(drawn).as("the metric's line drawn on the canvas").isGreaterThan(50);
        assertThat(browser.findElement(By.id("active-version")).getText()).isEqualTo("1.1");
        assertThat(browser.findElement(By.id("canary-none")).getText()).startsWith("No canary");
        chromium.screenshot("11-models");

        // The worker reports progress; the page shows it without a reload.
        data.progress(org, training.requestId(), "evaluating", 80);
        String row = "#training-table tr[data-request-id='" + training.requestId() + "']";
        chromium.waiting().until(d -> d.findElement(By.cssSelector(row + " .stage")).getText().equals("evaluating")
                && d.findElement(By.cssSelector(row + " .percent")).getText().equals("80 %"));
        chromium.screenshot("12-models-training-progress");

        browser.findElement(By.cssSelector("#versions-table tr[data-version-id='" + versions.get(2).id() + "'] .pin-form button")).click();
        chromium.waiting().until(d -> d.findElement(By.id("pinned-version")).getText().equals("1.2"));
        assertThat(browser.findElement(By.id("active-version")).getText()).isEqualTo("1.2");
        assertThat(browser.findElement(By.id("models-notice")).getText()).startsWith("Pinned");
        assertThat(data.registry().active(org, "als").orElseThrow().id()).isEqualTo(versions.get(2).id());
        chromium.screenshot("13-models-pinned");

        // Rollback asks first, on a page of its own: reached from the models page, left by Cancel with nothing changed.
        browser.findElement(By.id("rollback-start")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("rollback-confirm")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#rollback-confirm h1")).getText()).isEqualTo("Roll back als?");
        chromium.screenshot("27-models-rollback-confirm");
        browser.findElement(By.linkText("Cancel")).click();
        chromium.waiting().until(d -> d.findElement(By.id("active-version")).getText().equals("1.2"));
        assertThat(data.registry().active(org, "als").orElseThrow().id()).isEqualTo(versions.get(2).id());

        // The webhooks page, for the record of every page.
        browser.get(stack.base() + "/console/webhooks");
        assertThat(browser.findElement(By.id("webhooks-empty")).getText()).contains("No webhook endpoints yet");
        chromium.screenshot("19-webhooks");
    }

    @Test
    void aMemberSeesTheInsightsHeatMapsAndATasteProfile() throws Exception {
        signIn(stack.user(org, "member", Role.MEMBER));
        browser.get(stack.base() + "/console/insights?year=2026");
        assertThat(script("return document.querySelectorAll('#genre-heatmap rect').length;")).as("3 genres × 3").isEqualTo(9);
        assertThat(script("return document.querySelectorAll('#week-heatmap rect').length;")).as("7 days × 24 hours, those without plays too").isEqualTo(168);
        assertThat(script("return document.querySelectorAll('#context-intervals line').length;")).as("zero line and 2 intervals").isEqualTo(3);
        // Drawn, not just present: the heat map takes room on the page.
        assertThat(script("var b = document.getElementById('week-heatmap').getBoundingClientRect(); return Math.round(b.width * b.height);"))
                .isGreaterThan(50_000);
        assertThat(browser.findElement(By.id("top-tracks")).getText()).contains("Big hit");
        chromium.screenshot("14-insights");

        browser.findElement(By.id("user_id")).sendKeys("u1");
        browser.findElement(By.id("insights-show")).click();
        chromium.waiting().until(d -> !d.findElements(By.id("taste-profile")).isEmpty());
        assertThat(browser.findElement(By.id("taste-profile")).getText()).contains("Fri 21:00 UTC");
        assertThat(browser.findElement(By.id("listener-top-tracks")).getText()).isEqualTo("1. hit (30 plays)");
        chromium.screenshot("15-insights-taste");
    }

    @Test
    void aMemberUploadsAudioAndSeesItsWaveformBeatsAndSections() throws Exception {
        java.nio.file.Path clip = java.nio.file.Files.createTempFile("console-clicks", ".wav");
        try {
            java.nio.file.Files.write(clip, io.tunetrail.api.testing.AudioFixtures.clickTrackWav(120, 8));
            signIn(stack.user(org, "listener-ops", Role.MEMBER));
            browser.get(stack.base() + "/console/audio");
            browser.findElement(By.id("file")).sendKeys(clip.toString());
            browser.findElement(By.id("audio-submit")).click();
            chromium.waiting().until(d -> !d.findElements(By.id("audio-waveform")).isEmpty());
            assertThat(script("return document.querySelectorAll('#audio-waveform line').length;")).as("beats of 8 s at 120 BPM").isBetween(12L, 18L);
            assertThat(script("return document.querySelectorAll('#audio-waveform rect').length;")).as("segments and sections").isGreaterThan(8);
            assertThat(script("var b = document.getElementById('audio-waveform').getBoundingClientRect(); return Math.round(b.width * b.height);"))
                    .isGreaterThan(50_000);
            assertThat(browser.findElement(By.id("audio-recent")).getText()).contains("8.0 s");
            chromium.screenshot("16-audio");
        } finally {
            java.nio.file.Files.deleteIfExists(clip);
        }
    }

    @Test
    void anAdminSwitchesAFeatureFlagAndTheOwnerSetsTheWhiteLabelEveryPageShows() throws Exception {
        signIn(admin);
        browser.get(stack.base() + "/console/flags");
        browser.findElement(By.id("flag_key")).sendKeys("browser-flag");
        browser.findElement(By.id("description")).sendKeys("Made in a browser");
        WebElement rollout = browser.findElement(By.id("rollout_percent"));
        rollout.clear();
        rollout.sendKeys("30");
        browser.findElement(By.id("flag-create")).click();
        String row = "#flags-table tr[data-flag='browser-flag']";
        chromium.waiting().until(d -> d.findElement(By.cssSelector(row + " .flag-state")).getText().equals("on"));
        browser.findElement(By.cssSelector(row + " .toggle-form button")).click();
        chromium.waiting().until(d -> d.findElement(By.cssSelector(row + " .flag-state")).getText().equals("off"));
        chromium.screenshot("17-flags");

        java.nio.file.Path logo = java.nio.file.Files.createTempFile("console-logo", ".png");
        try {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(96, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int x = 0; x < 96; x++) {
                for (int y = 0; y < 32; y++) {
                    image.setRGB(x, y, x < 48 ? 0xffcc00 : 0x1a202c);
                }
            }
            javax.imageio.ImageIO.write(image, "png", logo.toFile());
            browser.manage().deleteAllCookies();
            signIn(stack.user(org, "owner", Role.OWNER));
            browser.get(stack.base() + "/console/branding");
            WebElement name = browser.findElement(By.id("display_name"));
            name.clear();
            name.sendKeys("Browser Beats");
            WebElement accent = browser.findElement(By.id("accent_color"));
            accent.clear();
            accent.sendKeys("#2f855a");
            browser.findElement(By.id("logo")).sendKeys(logo.toString());
            browser.findElement(By.id("branding-save")).click();
            chromium.waiting().until(d -> !d.findElements(By.id("branding-notice")).isEmpty());
            assertThat(browser.findElement(By.id("org-brand")).getText()).isEqualTo("Browser Beats");
            assertThat(script("var i = document.getElementById('org-logo'); return i.complete ? i.naturalWidth : -1;")).as("the logo loaded").isEqualTo(96);
            assertThat(browser.findElement(By.cssSelector("header.top")).getCssValue("background-color")).isEqualTo("rgba(47, 133, 90, 1)");
            chromium.screenshot("18-white-label");
        } finally {
            java.nio.file.Files.deleteIfExists(logo);
        }
    }
}
