package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.health.HealthSample;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's page in headless Chromium against the local server and the real engine: its health
 * over the last days as up/down bands from the checks the server kept (three days of earlier
 * ones written to its store, then a real sweep and health call), and one sample of its CPU and
 * memory, sampled again on Refresh. Saves the view under docs/dashboard/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardHealthIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static WebDriver browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser(@TempDir Path profile) {
        browser = Chromium.start(profile);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) browser.quit();
    }

    WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    @Test
    void aRunningAgentsPage_showsItsHealthBandsAndItsCpuAndMemory_andARefreshedSampleOnceStopped() throws Exception {
        String agent = "health-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        env.removeAfterwards(agent);
        VmRoutes server = Routes.get();
        Results.Deployed deployed = server.deploy().deploy(server.parser().parse(env.body(agent).put("memory_mb", 256)));
        assertThat(deployed.status()).isEqualTo("running");
        // Three days of earlier checks every 5 minutes, with an hour down two days ago, as the sweep would have kept them.
        Instant now = Instant.now();
        List<HealthSample> earlier = new ArrayList<>();
        for (Instant at = now.minus(Duration.ofDays(3)); at.isBefore(now.minus(Duration.ofMinutes(10))); at = at.plus(Duration.ofMinutes(5))) {
            boolean down = at.isAfter(now.minus(Duration.ofHours(49))) && at.isBefore(now.minus(Duration.ofHours(48)));
            earlier.add(new HealthSample(agent, "jules-agent-" + agent + "-1", at, !down, down ? 503 : 200));
        }
        server.agents().healthHistory().samples().record(earlier);
        // And two real checks the server keeps: a sweep and a health call.
        server.sweep();
        server.agents().health().check(new HealthRequest(deployed.containerName(), null));

        browser.get("http://127.0.0.1:" + port + "/#/agent/" + agent);

        waiting(30).withMessage(() -> browser.findElement(By.tagName("main")).getText() + " / " + browser.findElement(By.id("notice")).getText())
                .until(d -> !d.findElements(By.cssSelector("#health-history svg.health-bands rect.band-up")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#health-history rect.band-down"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("#health-history svg")).getDomAttribute("aria-label"))
                .matches(label -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("2 up and 1 down bands from (\\d+) checks").matcher(label);
                    // At least these: a sweep from another process over the same engine and table may add its own.
                    return m.find() && Integer.parseInt(m.group(1)) >= earlier.size() + 2;
                });
        String cpu = waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#stats dd[data-stat='cpu']"))).getText();
        assertThat(cpu).matches("\\d+\\.\\d %");
        assertThat(browser.findElement(By.cssSelector("#stats dd[data-stat='memory']")).getText()).matches("[\\d.]+ [KMG]?i?B of 256\\.0 MiB \\([\\d.]+ %\\)");
        assertThat(Integer.parseInt(browser.findElement(By.cssSelector("#stats dd[data-stat='pids']")).getText())).isGreaterThanOrEqualTo(2);
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("the browser's console")
                .noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
        Files.createDirectories(DashboardBrowserIT.SCREENSHOTS);
        Files.write(DashboardBrowserIT.SCREENSHOTS.resolve("agent-health.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));

        env.stop(JSON.createObjectNode().put("container_name", deployed.containerName()).put("remove", false));
        browser.findElement(By.cssSelector("button[data-action='refresh-health']")).click();
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("stats"), "is exited: no figures"));
    }
}
