package dev.vmroutes.functions.bench;

import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.config.VmConfig;
import dev.vmroutes.functions.Chromium;
import dev.vmroutes.functions.DashboardFiles;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentStore;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dashboard with 100 agents and 3,000 deployments: 100 real containers on the engine (the
 * agents' base image, idle, labelled as a deploy labels them, since the agents view lists the
 * engine's containers) and 30 deployment records each in the local server's embedded store. In
 * headless Chromium: the agents view until its last row is laid out, and an agent's page until its
 * chart and last history row are, each timed from the navigation's start. Run through scripts/bench-dashboard.
 */
public final class DashboardBench {

    static final String IMAGE = "python:3.11-slim";
    static final int AGENTS = 100;
    static final int PER_AGENT = 30;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path dir = Files.createTempDirectory("vm-routes-bench-dashboard-");
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.remove("VM_TABLE_NAME");
        environment.put("VM_DATA_DIR", dir.resolve("data").toString());
        List<String> containers = new ArrayList<>();
        VmRoutes seed = VmRoutes.create(VmConfig.fromEnvironment(environment));
        try {
            seed(seed, containers);
        } finally {
            seed.close();
        }
        ChromeDriver browser = null;
        try (LocalServer server = LocalServer.start(dir)) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            awaitUp(base);
            long bytes = 0;
            HttpClient http = HttpClient.newHttpClient();
            for (String path : DashboardFiles.PATHS) {
                if (path.equals("/index.html")) continue; // the same file as /
                bytes += http.send(HttpRequest.newBuilder(URI.create(base + path.substring(1))).build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
            }
            browser = Chromium.start(Files.createDirectories(dir.resolve("profile")));
            List<Double> agents = measure(browser, runs, base + "#/agents", "#agents tbody tr:last-child");
            List<Double> agent = measure(browser, runs, base + "#/agent/bench-dash-000",
                    "#history svg.phase-chart", "#history table tbody tr:last-child");
            System.out.printf("agents view, last of %d rows laid out: %s%n", AGENTS, summary(agents));
            System.out.printf("an agent's page, chart and last of %d history rows laid out: %s%n", PER_AGENT, summary(agent));
            System.out.printf("the page's own files (%d, uncompressed): %.1f KB (target <= 200 KB)%n", DashboardFiles.PATHS.size() - 1, bytes / 1024.0);
            System.out.printf("%d runs each after a warm-up run, ms from the navigation's start (performance.now())%n", runs);
        } finally {
            if (browser != null) browser.quit();
        }
        // The store is the server's while it runs: the engine is reached again once it has stopped.
        try (VmRoutes engine = VmRoutes.create(VmConfig.fromEnvironment(environment))) {
            for (String id : containers) engine.docker().removeContainerCmd(id).withForce(true).exec();
        }
    }

    static void seed(VmRoutes routes, List<String> containers) {
        DeploymentStore store = routes.store();
        Instant start = Instant.now().minus(Duration.ofDays(30));
        for (int a = 0; a < AGENTS; a++) {
            String agent = String.format("bench-dash-%03d", a);
            for (int d = 0; d < PER_AGENT; d++) {
                String id = UUID.randomUUID().toString();
                String name = "jules-agent-" + agent + "-" + id.substring(0, 8);
                Instant at = start.plus(Duration.ofHours(d * 24L + a % 24));
                Deployment record = store.create(Deployment.building(id, agent, name, "http://127.0.0.1/" + agent + ".git", "main", at));
                boolean newest = d == PER_AGENT - 1;
                String containerId = newest ? startContainer(routes, agent, id, name) : "c" + id;
                if (newest) containers.add(containerId);
                store.update(record.running(containerId, String.format("%040x", d + 1L), IMAGE, newest ? "running" : "replaced",
                        Map.of(), at.plusSeconds(40)));
            }
        }
    }

    static String startContainer(VmRoutes routes, String agent, String deploymentId, String name) {
        String id = routes.docker().createContainerCmd(IMAGE).withName(name).withCmd("sleep", "infinity")
                .withLabels(Map.of("jules.managed", "true", "jules.agent", agent, "jules.deployment", deploymentId))
                .exec().getId();
        routes.docker().startContainerCmd(id).exec();
        return id;
    }

    static void awaitUp(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the local server did not start");
    }

    /** Loads the page afresh each run and answers, per run, the ms from navigation start until every selector matches an element with a layout box. */
    static List<Double> measure(ChromeDriver browser, int runs, String url, String... selectors) {
        List<Double> times = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            browser.get("about:blank");
            browser.get(url);
            Object ms = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const selectors = arguments[0];"
                    + "const shown = () => selectors.every(s => { const e = document.querySelector(s); return e && e.getBoundingClientRect().height > 0; });"
                    + "const check = () => shown() ? done(performance.now()) : requestAnimationFrame(check); check();", List.of(selectors));
            if (run > 0) times.add(((Number) ms).doubleValue());
        }
        return times;
    }

    static String summary(List<Double> times) {
        List<Double> sorted = new ArrayList<>(times);
        sorted.sort(null);
        return String.format("min %.0f ms, median %.0f ms, max %.0f ms (target <= 1000 ms)", sorted.get(0), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1));
    }
}
