package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * axe-core (vendored under the tests' resources, never served) run in every view of the
 * dashboard, with an agent deployed so each view has its content: no serious or critical violation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "VM_API_TOKEN=" + DashboardAccessibilityIT.TOKEN)
class DashboardAccessibilityIT {

    static final String TOKEN = "dashboard-axe-token-123";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static ChromeDriver browser;
    static String axe;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser(@TempDir Path profile) throws Exception {
        try (var in = DashboardAccessibilityIT.class.getResourceAsStream("/axe/axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        browser = Chromium.start(profile);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) browser.quit();
    }

    WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** The serious and critical violations axe finds in the page as it is now, each with the elements it names. */
    List<String> violations() throws Exception {
        JavascriptExecutor js = browser;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof axe !== 'undefined'"))) js.executeScript(axe);
        String found = (String) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document).then(r => done(JSON.stringify({passes: r.passes.length, violations: r.violations})), e => done(String(e)));");
        JsonNode results = JSON.readTree(found);
        assertThat(results.get("passes").asInt()).as("rules axe checked and found kept").isPositive();
        List<String> serious = new ArrayList<>();
        for (JsonNode v : results.get("violations")) {
            String impact = v.path("impact").asText();
            if (!impact.equals("serious") && !impact.equals("critical")) continue;
            List<String> targets = new ArrayList<>();
            v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
            serious.add(impact + " " + v.path("id").asText() + ": " + v.path("help").asText() + " " + targets);
        }
        return serious;
    }

    void open(String hash) {
        browser.get("http://127.0.0.1:" + port + "/" + hash);
    }

    @Test
    void everyView_hasNoSeriousOrCriticalViolation() throws Exception {
        String agent = "axe-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        env.removeAfterwards(agent);
        HttpResponse<String> deployed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/deploy"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(env.body(agent).toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deployed.statusCode()).as(deployed.body()).isIn(200, 202);
        String deploymentId = JSON.readTree(deployed.body()).get("deployment_id").asText();

        open("#/agents");
        waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(violations()).as("sign-in").isEmpty();
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#agents tr[data-container^='jules-agent-" + agent + "-']")));
        assertThat(violations()).as("agents").isEmpty();

        open("#/deployment/" + deploymentId);
        waiting(300).until(ExpectedConditions.textToBe(By.id("deployment-status"), "running"));
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("build-log"), "Successfully"));
        assertThat(violations()).as("deployment").isEmpty();

        open("#/agent/" + agent);
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#history svg.phase-chart")));
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("logs")));
        assertThat(violations()).as("agent").isEmpty();

        open("#/deploy");
        waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("agent_name")));
        assertThat(violations()).as("deploy").isEmpty();

        open("#/audit");
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), agent));
        assertThat(violations()).as("audit").isEmpty();
    }
}
