package dev.vmroutes.functions;

import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium against the local server and the real engine: an
 * agent deployed from the form, followed to running, its logs read, rolled back, stopped and
 * removed; hostile text from the agent and its environment shown as text. Saves a screenshot of
 * each view under docs/dashboard/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserIT {

    static final Path SCREENSHOTS = Path.of("../docs/dashboard");
    static final String HOSTILE_LOG = "<img src=x onerror=alert(1)>";
    static final String HOSTILE_ENV = "<b>hi</b><img src=y onerror=alert(2)>";

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

    static String agentSource(String version) {
        return String.join("\n", "import os",
                "print('hello from " + version + "', flush=True)",
                "print('" + HOSTILE_LOG + "', flush=True)",
                "print('\\x1b[31mred text\\x1b[0m and \\x1b[1mbold\\x1b[0m', flush=True)",
                "print('greeting:', os.environ.get('GREETING'), flush=True)",
                AgentRepo.HTTP_AGENT);
    }

    WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    void open(String hash) {
        browser.get("http://127.0.0.1:" + port + "/" + hash);
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    WebElement containerRow(String agent) {
        return waiting(60).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#containers tr[data-container^='jules-agent-" + agent + "-']")));
    }

    void deployFromTheForm(String agent, String repoUrl) throws Exception {
        open("#/deploy");
        waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("agent_name"))).sendKeys(agent);
        browser.findElement(By.id("repo_url")).sendKeys(repoUrl);
        new Select(browser.findElement(By.id("credential"))).selectByValue("auth_token");
        browser.findElement(By.id("secret")).sendKeys(env.token);
        browser.findElement(By.id("environment")).sendKeys("GREETING=" + HOSTILE_ENV);
        browser.findElement(By.id("deploy-button")).click();
        waiting(30).until(ExpectedConditions.urlContains("#/deployment/"));
        // The stepper walks its phases and stops at running: every phase done.
        waiting(300).until(ExpectedConditions.textToBe(By.id("deployment-status"), "running"));
        waiting(10).until(ExpectedConditions.attributeContains(By.cssSelector("#stepper li[data-phase='ready']"), "class", "done"));
        assertThat(browser.findElements(By.cssSelector("#stepper li.step")).stream().map(e -> e.getDomAttribute("data-phase")))
                .containsSubsequence("clone", "build", "start", "ready");
        assertThat(browser.findElements(By.cssSelector("#stepper li.failed"))).isEmpty();
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("build-log"), "Successfully"));
    }

    @Test
    void anAgent_deployedFollowedRolledBackStoppedAndRemoved_throughThePage() throws Exception {
        String agent = "dash-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        env.removeAfterwards(agent);
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", agentSource("v1")));
        String first = repo.head();
        env.git.serve(agent, repo.repository());

        open("#/agents");
        waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("agents")));
        deployFromTheForm(agent, env.git.url(agent));
        screenshot("deployment");

        // Its own log lines, hostile ones included, as text: no element made from them, no script run.
        open("#/agent/" + agent);
        containerRow(agent);
        waiting(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "hello from v1"));
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "greeting: " + HOSTILE_ENV));
        String logs = browser.findElement(By.id("logs")).getText();
        assertThat(logs).contains(HOSTILE_LOG, "red text and bold").doesNotContain("\u001b", "[31m");
        assertThat(browser.findElements(By.cssSelector("#logs *:not(.log-line)"))).isEmpty();
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();
        assertThat(browser.findElements(By.tagName("b"))).isEmpty();
        assertThat(ExpectedConditions.alertIsPresent().apply(browser)).isNull();
        assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).as("no credential to sign out of").isFalse();
        List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console).as("the browser's console").noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());

        // A second version, then back to the first through the picker.
        String second = repo.commit(Map.of("main.py", agentSource("v2")));
        deployFromTheForm(agent, env.git.url(agent));
        open("#/agent/" + agent);
        waiting(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "hello from v2"));
        waiting(30).until(d -> d.findElements(By.cssSelector("#history svg.phase-chart g.bar")).size() == 2);
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#stats dd[data-stat='memory']")));
        screenshot("agent");
        Select picker = new Select(waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("rollback-to"))));
        assertThat(picker.getOptions()).hasSize(2);
        assertThat(picker.getOptions().get(0).getText()).contains(second.substring(0, 10));
        picker.getOptions().stream().filter(o -> o.getText().contains(first.substring(0, 10))).findFirst().orElseThrow().click();
        assertThat(browser.findElement(By.id("rollback")).getText()).contains("environment of the agent's running container");
        browser.findElement(By.id("rollback-button")).click();
        waiting(300).until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Rolled back"));
        waiting(30).until(d -> containerRow(agent).getText().contains(first.substring(0, 10)));
        waiting(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "hello from v1"));

        open("#/agents");
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#agents tr[data-container^='jules-agent-" + agent + "-']")));
        screenshot("agents");
        open("#/agent/" + agent);

        // Stop, then remove.
        containerRow(agent).findElement(By.cssSelector("button[data-action='stop']")).click();
        waiting(60).until(d -> !containerRow(agent).getText().contains("running"));
        containerRow(agent).findElement(By.cssSelector("button[data-action='remove']")).click();
        waiting(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("containers"), "No container of this agent runs."));
        assertThat(env.agentContainers(agent)).isEmpty();

        open("#/audit");
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), agent));
        assertThat(browser.findElement(By.id("audit")).getText()).contains("rollback", "stop");
        screenshot("audit");
        open("#/deploy");
        waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("agent_name"))).sendKeys("hello");
        browser.findElement(By.id("repo_url")).sendKeys("http://127.0.0.1:8081/hello-agent.git");
        screenshot("deploy");
    }
}
