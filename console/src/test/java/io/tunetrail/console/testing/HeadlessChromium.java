package io.tunetrail.console.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium, for one browser test class: both binaries given explicitly (nothing
 * is downloaded), a fresh profile removed on {@link #close}, the browser's log kept so a test can fail on any script
 * error or CSP refusal, screenshots to {@code target/screenshots/}.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver driver;
    private final Path profile;

    private HeadlessChromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser; fails with what to install when a binary is missing. */
    public static HeadlessChromium start() throws IOException {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!new File(binary).canExecute()) {
                throw new IllegalStateException(binary + " is missing: ./tunetrail setup installs Debian's chromium and chromium-driver");
            }
        }
        Files.createDirectories(SCREENSHOTS);
        Path profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--window-size=1280,1100",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(driver, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * A wait of up to 20 s that looks again when an element goes stale: pages here re-render after a form's POST or a
     * poll, so an element found on the old page can be replaced between finding it and reading it. Chromedriver does
     * not always call that "stale": when the old document is torn down while it reads the element, it answers with an
     * "unknown error" that the node "does not belong to the document" (stop 26's CI failed on exactly that), so that
     * answer is looked at again too. Any other driver error still ends the wait at once.
     */
    public WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20)) {
            @Override
            public <V> V until(Function<? super WebDriver, ? extends V> condition) {
                return super.until(d -> {
                    try {
                        return condition.apply(d);
                    } catch (WebDriverException e) {
                        if (readFromATornDownDocument(e)) {
                            return null;
                        }
                        throw e;
                    }
                });
            }
        };
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    static boolean readFromATornDownDocument(WebDriverException e) {
        String message = e.getRawMessage();
        return message != null && message.contains("does not belong to the document");
    }

    /** Signs in through the sign-in form and waits for the overview. */
    public void signIn(String base, String email, String password) {
        driver.get(base + "/console/sign-in");
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("sign-in")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/console"));
    }

    public void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The SEVERE entries of the browser's log since it was last read (reading empties it), but those matching {@code expected}. */
    public List<LogEntry> errors(String expected) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> expected == null || !e.getMessage().matches(expected))
                .toList();
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
