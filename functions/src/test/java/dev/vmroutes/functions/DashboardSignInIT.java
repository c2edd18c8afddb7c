package dev.vmroutes.functions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** With a token on the server the page asks for it, keeps it for the tab only, and asks again when the API refuses it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "VM_API_TOKEN=" + DashboardSignInIT.TOKEN)
class DashboardSignInIT {

    static final String TOKEN = "dashboard-sign-in-token-123";
    static ChromeDriver browser;

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

    void signIn(String token) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
        browser.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
    }

    Object stored(String key) {
        return ((JavascriptExecutor) browser).executeScript("return window." + key + ".getItem('vm-routes-token')");
    }

    @Test
    void aWrongToken_asksAgain_theRightOne_opensTheAgents_keptInSessionStorageOnly() {
        browser.get("http://127.0.0.1:" + port + "/#/agents");
        signIn("wrong-token");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form.sign-in .error")));
        assertThat(stored("sessionStorage")).isNull();

        signIn(TOKEN);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#agents table, #agents p:not(:empty)")));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> !d.findElement(By.id("agents")).getText().contains("Loading"));
        assertThat(stored("sessionStorage")).isEqualTo(TOKEN);
        assertThat(stored("localStorage")).isNull();
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
        assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).isTrue();

        browser.findElement(By.id("sign-out")).click();
        assertThat(stored("sessionStorage")).isNull();
        assertThat(browser.findElement(By.id("token")).isDisplayed()).isTrue();
    }
}
