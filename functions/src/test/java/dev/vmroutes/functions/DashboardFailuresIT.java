package dev.vmroutes.functions;

import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.LocalServer;
import dev.vmroutes.testing.PackageIndex;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy's live view when it does not end running: a build that fails shows its failing phase
 * and pip's own lines, and a deploy cancelled while pip waits on a slow index ends cancelled. The
 * server runs in a process of its own, so its build settings (a package index on loopback reached
 * through the host network) are its environment, as with run-local.
 */
class DashboardFailuresIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static PackageIndex index;
    static LocalServer server;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        // Each wheel is served after 20 s: long enough to press cancel while pip waits for it.
        index = new PackageIndex(20_000);
        server = new LocalServer(Files.createDirectories(dir.resolve("server")), Map.of("VM_BUILD_NETWORK", "host",
                "VM_ALLOW_HOST_BUILD_NETWORK", "true", "VM_PIP_INDEX_URL", index.url()));
        browser = Chromium.start(Files.createDirectories(dir.resolve("profile")));
        browser.get(server.url + "/#/deploy");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("token")))
                .sendKeys(server.token);
        browser.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (server != null) server.close();
        if (index != null) index.close();
    }

    WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** Deploys from the form an agent whose requirements are {@code requirements}, and opens its live view. */
    void deploy(String agent, String requirements) throws Exception {
        env.removeAfterwards(agent);
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", AgentRepo.HTTP_AGENT, "requirements.txt", requirements));
        env.git.serve(agent, repo.repository());
        browser.get(server.url + "/#/deploy");
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("agent_name"))).sendKeys(agent);
        browser.findElement(By.id("repo_url")).sendKeys(env.git.url(agent));
        new Select(browser.findElement(By.id("credential"))).selectByValue("auth_token");
        browser.findElement(By.id("secret")).sendKeys(env.token);
        browser.findElement(By.id("deploy-button")).click();
        waiting(30).until(ExpectedConditions.urlContains("#/deployment/"));
    }

    @Test
    void aBuildThatFails_showsItsPhaseAndPipsLines() throws Exception {
        deploy("dash-failing", "no-such-package==9.9\n");
        waiting(300).until(ExpectedConditions.textToBe(By.id("deployment-status"), "failed"));
        waiting(10).until(ExpectedConditions.attributeContains(By.cssSelector("#stepper li[data-phase='build']"), "class", "failed"));
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("failure"), "No matching distribution found"));
        assertThat(browser.findElement(By.cssSelector("#failure h3")).getText()).isEqualTo("Failed in build");
        assertThat(browser.findElement(By.id("cancel-button")).isDisplayed()).isFalse();
    }

    @Test
    void aDeployCancelledDuringItsBuild_endsCancelled() throws Exception {
        deploy("dash-cancelled", PackageIndex.PACKAGE + "==" + PackageIndex.VERSION + "\n");
        waiting(120).until(ExpectedConditions.textToBe(By.id("deployment-status"), "building"));
        waiting(10).until(ExpectedConditions.elementToBeClickable(By.id("cancel-button"))).click();
        waiting(120).until(ExpectedConditions.textToBe(By.id("deployment-status"), "cancelled"));
        assertThat(browser.findElement(By.cssSelector("#stepper li[data-phase='build']")).getText()).contains("cancelled");
        assertThat(browser.findElement(By.id("cancel-button")).isDisplayed()).isFalse();
        assertThat(env.agentContainers("dash-cancelled")).isEmpty();
    }
}
