package dev.vmroutes.functions;

import dev.vmroutes.auth.LocalTokens;
import dev.vmroutes.testing.JwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a JWT issuer and a public client on the server, the page signs in through the issuer
 * (authorization code with PKCE) and keeps only the access token, for the tab; a token of the
 * tokens file with vm:read only sees deploy disabled, and is refused with 403 if it deploys anyway.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardOidcIT {

    static final String CLIENT = "vm-routes-dashboard";
    static final String READER_TOKEN = "dashboard-reader-" + java.util.UUID.randomUUID();
    static final JwtIssuer issuer = start();
    static ChromeDriver browser;

    @LocalServerPort
    int port;

    static JwtIssuer start() {
        try {
            return new JwtIssuer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void signIn(DynamicPropertyRegistry registry) throws Exception {
        Path tokens = Files.createTempFile("vm-routes-tokens-", ".json");
        tokens.toFile().deleteOnExit();
        Files.writeString(tokens, "{\"tokens\": [{\"name\": \"reader\", \"scopes\": [\"vm:read\"], \"sha256\": \""
                + HexFormat.of().formatHex(LocalTokens.sha256(READER_TOKEN)) + "\"}]}");
        registry.add("VM_JWT_ISSUER", issuer::url);
        registry.add("VM_JWT_AUDIENCE", () -> JwtIssuer.AUDIENCE);
        registry.add("VM_DASHBOARD_CLIENT_ID", () -> CLIENT);
        registry.add("VM_API_TOKENS_FILE", tokens::toString);
    }

    @BeforeAll
    static void startBrowser(@TempDir Path profile) {
        browser = Chromium.start(profile);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        issuer.close();
    }

    String page() {
        return "http://127.0.0.1:" + port + "/";
    }

    WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    @Test
    void theIssuersTokenEndpoint_refusesAWrongVerifier_andTradesACodeOnceForItsOwn() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String challenge = JwtIssuer.challenge("the-right-verifier-0123456789-0123456789-0123");
        String redirect = page();
        HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(issuer.url() + "/authorize?response_type=code&client_id="
                + CLIENT + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&scope=vm:read&state=s1&code_challenge="
                + challenge + "&code_challenge_method=S256")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).isEqualTo(302);
        String location = approved.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(redirect + "?code=").endsWith("&state=s1");
        String code = location.substring(location.indexOf("code=") + 5, location.indexOf('&'));
        java.util.function.Function<String, HttpResponse<String>> trade = verifier -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(issuer.url() + "/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + code + "&client_id=" + CLIENT
                                + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_verifier=" + verifier))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        HttpResponse<String> wrong = trade.apply("a-wrong-verifier-0123456789-0123456789-0123456");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("invalid_grant");
        assertThat(trade.apply("the-right-verifier-0123456789-0123456789-0123").statusCode())
                .as("a code refused once is gone").isEqualTo(400);
    }

    /** Each test starts signed out. */
    void signedOut() {
        browser.get(page());
        script("sessionStorage.clear()");
    }

    @Test
    void signingInThroughTheIssuer_withPkce_endsSignedIn_theTokenForThisTabOnly() throws Exception {
        signedOut();
        HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page() + "dashboard-config.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.body()).contains("\"issuer\":\"" + issuer.url() + "\"", "\"client_id\":\"" + CLIENT + "\"");
        assertThat(config.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("connect-src 'self' " + issuer.url() + ";");

        browser.get(page() + "#/agents");
        WebElement button = waiting(10).until(ExpectedConditions.elementToBeClickable(By.id("oidc-sign-in")));
        assertThat(button.getText()).isEqualTo("Sign in with " + issuer.url());
        button.click();
        waiting(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("agents")));
        waiting(30).until(d -> !d.findElement(By.id("agents")).getText().contains("Loading"));
        assertThat(browser.findElement(By.id("notice")).isDisplayed()).as("no error").isFalse();

        String token = (String) script("return sessionStorage.getItem('vm-routes-token')");
        assertThat(token).as("a JWT").matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(script("return localStorage.length")).isEqualTo(0L);
        assertThat(script("return sessionStorage.getItem('vm-routes-oidc')")).as("the verifier is forgotten").isNull();
        assertThat(browser.getCurrentUrl()).isEqualTo(page() + "#/agents").doesNotContain("code=").doesNotContain(token);
        assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).isTrue();
        // The server knows the issuer's user by that token, with the scopes the page asked for.
        Object caller = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1]; "
                + "fetch('/api/v1/vm/caller', {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('vm-routes-token')}})"
                + ".then(r => r.text()).then(done);");
        assertThat((String) caller).contains(JwtIssuer.USER).contains("\"scopes\":[\"vm:read\",\"vm:deploy\",\"vm:stop\"]");
        browser.get(page() + "#/deploy");
        assertThat(waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("deploy-button"))).isEnabled()).isTrue();
        // Only the calls refused before signing in: nothing the policy blocked, no script error.
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("the browser's console")
                .noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue() && !e.getMessage().contains("status of 401"));
        browser.findElement(By.id("sign-out")).click();
    }

    @Test
    void aTokenWithoutDeploy_seesDeployDisabled_andIsRefusedNamingTheScopeWhenItTriesAnyway() {
        signedOut();
        browser.get(page() + "#/agents");
        waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(READER_TOKEN);
        browser.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
        WebElement deployLink = waiting(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".toolbar .button[aria-disabled='true']")));
        assertThat(deployLink.getDomAttribute("title")).isEqualTo("Needs the scope vm:deploy");
        assertThat(deployLink.getDomAttribute("href")).isNull();

        browser.get(page() + "#/deploy");
        WebElement deploy = waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("deploy-button")));
        waiting(10).until(d -> !deploy.isEnabled());
        assertThat(deploy.getDomAttribute("title")).isEqualTo("Needs the scope vm:deploy");

        browser.findElement(By.id("agent_name")).sendKeys("forced");
        browser.findElement(By.id("repo_url")).sendKeys("http://127.0.0.1:9/forced.git");
        script("document.getElementById('deploy-button').disabled = false");
        deploy.click();
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "vm:deploy"));
        assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Not allowed: this needs the scope vm:deploy");
        assertThat(deploy.isEnabled()).as("disabled again").isFalse();
        browser.findElement(By.id("sign-out")).click();
    }
}
