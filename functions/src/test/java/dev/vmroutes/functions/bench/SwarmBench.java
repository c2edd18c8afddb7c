package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.RollbackRequest;
import dev.vmroutes.image.DockerfileGenerator;
import dev.vmroutes.image.ImageSpec;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.swarm.AgentServices;
import dev.vmroutes.swarm.SwarmEngine;
import dev.vmroutes.swarm.SwarmViews;
import dev.vmroutes.testing.RealSizedRepo;
import dev.vmroutes.testing.TestEnvironment;
import dev.vmroutes.testing.TestRoutes;

import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Swarm mode against the same done by hand on the same three-node Swarm (scripts/swarm-env), in
 * the same run: the routes are built as {@code TestRoutes.onSwarm()} builds them (in this process,
 * the manager behind mutual TLS, the registry with its login, host-mode ports); the commands by
 * hand are the docker CLI against the same manager, with a login of their own in a temporary
 * {@code DOCKER_CONFIG}.
 * <ol>
 *   <li>A first deploy of a new agent from a real-sized repository ({@link RealSizedRepo}, a new
 *   commit per side and round): clone, build on the manager, push, service create, wait until its
 *   task runs (healthy: the image's HEALTHCHECK gates "running") and its /health answers 200. By hand:
 *   {@code git clone --depth=1}, {@code docker build} of the same Dockerfile, {@code docker push},
 *   {@code docker service create --detach} with the settings ServiceSpecs gives. Both sides wait the
 *   same way: the service's tasks read every 500 ms (as the deploy's own wait reads them), then a GET of
 *   /health on the task's node every 10 ms until 200.</li>
 *   <li>A rolling update of a three-replica agent to an image that exists (our rollback to the other of
 *   two versions; no build, no push) against {@code docker service update --image <digest>
 *   --with-registry-auth} of an identical service made by hand. By hand is timed twice in one update:
 *   until the same wait as ours (every 500 ms: the update status completed and three tasks of the new
 *   image running) sees it done, and until the CLI returns (it waits for convergence, then the
 *   monitor period again "to verify that tasks are stable").</li>
 *   <li>list of 60 agent services (made by hand with our labels, replicas 1, a small image) against
 *   GET /services and GET /tasks over the same client, both calls at once.</li>
 * </ol>
 * Every service this makes is named {@code jules-agent-bsw<run>-...} and removed at the end; the
 * script's trap removes what a killed run left. Run through scripts/bench-swarm.
 */
public final class SwarmBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TASK_POLL = Duration.ofMillis(500);
    static final Duration HEALTH_POLL = Duration.ofMillis(10);
    static final String DOCKERFILE = DockerfileGenerator.generate(new ImageSpec("3.11", 8080, List.of("python", "main.py"), false), false);
    static final int LIST_SERVICES = 60;

    static PrintStream out = System.out;

    final String run;
    final TestRoutes env;
    final AgentServices services;
    final SwarmEngine engine;
    final Path dir;
    final Path dockerConfig;
    final String registry;
    final Map<String, String> cli = new HashMap<>();
    final List<String> handServices = new ArrayList<>();
    final Set<String> ourAgents = new HashSet<>();
    Map<String, String> nodeAddresses = new HashMap<>();

    SwarmBench(String run, TestRoutes env) throws IOException {
        this.run = run;
        this.env = env;
        this.services = env.routes.swarm().services();
        this.engine = env.routes.swarm().engine();
        this.dir = env.dir;
        this.dockerConfig = Files.createTempDirectory("bench-swarm-docker-config");
        this.registry = TestEnvironment.require("VM_TEST_SWARM_REGISTRY");
        cli.put("DOCKER_HOST", TestEnvironment.require("VM_TEST_SWARM_HOST"));
        cli.put("DOCKER_TLS_VERIFY", "1");
        cli.put("DOCKER_CERT_PATH", TestEnvironment.require("VM_TEST_TLS_DIR"));
        cli.put("DOCKER_CONFIG", dockerConfig.toString());
        cli.put("DOCKER_BUILDKIT", "0");
    }

    public static void main(String[] args) throws Exception {
        System.setOut(System.err);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int listRuns = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        String run = System.getenv().getOrDefault("BENCH_SWARM_RUN", Long.toString(ProcessHandle.current().pid(), 36));
        TestRoutes env = TestRoutes.onSwarm();
        SwarmBench bench = null;
        try {
            env.start();
            bench = new SwarmBench(run, env);
            bench.login();
            bench.nodeAddresses = bench.nodeAddresses();
            Comparison first = bench.firstDeploys(rounds);
            Comparison update = bench.rollingUpdates(rounds);
            Comparison list = bench.lists(listRuns);
            out.printf("%nSwarm mode against the same by hand, same 3-node Swarm (manager behind mutual TLS), run %s%n", run);
            first.print();
            update.print();
            list.print();
        } finally {
            if (bench != null) bench.cleanUp();
            env.close();
        }
    }

    // --- 1. first deploy ------------------------------------------------------------------------

    Comparison firstDeploys(int rounds) throws Exception {
        RealSizedRepo real = RealSizedRepo.create(dir, "project");
        env.git.serve("project", real.repository());
        Comparison c = new Comparison("first deploy, real-sized repository (" + String.format(Locale.ROOT, "%,d files, %.1f MB",
                real.fileCount(), real.treeBytes() / 1e6) + ")", 1.0, rounds);
        // One of each first, not counted: our first deploy opens its connections and makes its table.
        real.commit(Map.of("round.txt", "warm-up hand " + System.nanoTime()));
        handFirstDeploy(0);
        real.commit(Map.of("round.txt", "warm-up ours " + System.nanoTime()));
        ourFirstDeploy(0);
        for (int round = 1; round <= rounds; round++) {
            Map<String, Double> hand = null;
            Map<String, Double> ours;
            if (round % 2 == 1) {
                real.commit(Map.of("round.txt", "hand " + round + " " + System.nanoTime()));
                hand = handFirstDeploy(round);
            }
            real.commit(Map.of("round.txt", "ours " + round + " " + System.nanoTime()));
            ours = ourFirstDeploy(round);
            if (round % 2 == 0) {
                real.commit(Map.of("round.txt", "hand " + round + " " + System.nanoTime()));
                hand = handFirstDeploy(round);
            }
            c.add(ours, hand);
            System.err.printf(Locale.ROOT, "first deploy, round %d: ours %.0f ms %s, by hand %.0f ms %s%n", round, ours.get("total"), ours,
                    hand.get("total"), hand);
        }
        return c;
    }

    Map<String, Double> ourFirstDeploy(int round) throws Exception {
        String agent = "bsw" + run + "-f" + round;
        ourAgents.add(agent);
        ObjectNode body = env.body(agent).put("repo_url", env.git.url("project"));
        long start = System.nanoTime();
        Results.Deployed d = env.deploy(body);
        if (!d.ready()) throw new IllegalStateException("our deploy is not ready: " + d.notReadyBecause());
        long deployed = System.nanoTime();
        awaitHealth(d.addresses().get(0), d.ports().get("8080/tcp"));
        long end = System.nanoTime();
        if (d.imageReused()) throw new IllegalStateException("a first deploy reused an image");
        Map<String, Double> steps = phases(d);
        steps.put("health", ms(end - deployed));
        steps.put("other", ms(deployed - start) - steps.values().stream().mapToDouble(Double::doubleValue).sum() + steps.get("health"));
        steps.put("total", ms(end - start));
        // Outside the timing: the service goes, so the list below sees only its own 60.
        env.removeAgentService(agent);
        return steps;
    }

    Map<String, Double> handFirstDeploy(int round) throws Exception {
        String name = "jules-agent-bsw" + run + "-h" + round;
        Path context = dir.resolve("hand-" + round);
        Path tree = context.resolve(DockerfileGenerator.SOURCE_DIR);
        String tag = registry + "/vm-routes-agent:bsw" + run + "-h" + round;
        int port = freePort(32000);
        Map<String, Double> steps = new LinkedHashMap<>();
        long start = System.nanoTime();
        run(List.of("git", "-c", "http.extraHeader=Authorization: Basic " + Base64.getEncoder()
                .encodeToString(("x-access-token:" + env.token).getBytes()), "clone", "-q", "--depth=1", "--branch", "main",
                env.git.url("project"), tree.toString()));
        long cloned = System.nanoTime();
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(context.resolve(".dockerignore"), DockerfileGenerator.SOURCE_DIR + "/.git\n");
        docker(List.of("build", "-q", "-t", tag, context.toString()));
        long built = System.nanoTime();
        String pushed = docker(List.of("push", tag));
        Matcher digest = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(pushed);
        if (!digest.find()) throw new IllegalStateException("no digest in the push's output: " + pushed);
        String image = registry + "/vm-routes-agent@" + digest.group(1);
        long pushedAt = System.nanoTime();
        handServices.add(name);
        List<String> create = new ArrayList<>(List.of("service", "create", "--detach", "--quiet", "--name", name));
        create.addAll(serviceFlags(1, "start-first", port, 512L << 20, 1_000_000_000L, 256, 1L << 30));
        create.add(image);
        String id = docker(create).strip();
        long created = System.nanoTime();
        JsonNode task = awaitTasks(id, digest.group(1), 1, null).get(0);
        long running = System.nanoTime();
        awaitHealth(nodeAddresses.get(task.path("NodeID").asText()), port);
        long end = System.nanoTime();
        steps.put("clone", ms(cloned - start));
        steps.put("build", ms(built - cloned));
        steps.put("push", ms(pushedAt - built));
        steps.put("create", ms(created - pushedAt));
        steps.put("ready", ms(running - created));
        steps.put("health", ms(end - running));
        steps.put("total", ms(end - start));
        services.remove(id);
        try {
            docker(List.of("rmi", "-f", tag));
        } catch (IllegalStateException kept) {
            System.err.println("kept " + tag + ": " + kept.getMessage().strip());
        }
        DeployBench.deleteTree(context);
        return steps;
    }

    /**
     * What ServiceSpecs gives an agent's service, as the CLI spells it (the CLI has no flag for
     * NoNewPrivileges, which changes nothing in the timing).
     */
    List<String> serviceFlags(int replicas, String order, int port, long memory, long nanoCpus, long pids, long tmpBytes) {
        List<String> flags = new ArrayList<>(List.of("--with-registry-auth", "--label", "bench.swarm=" + run,
                "--replicas", Integer.toString(replicas), "--init", "--stop-grace-period", "10s",
                "--cap-drop", "ALL", "--cap-add", "CAP_NET_BIND_SERVICE", "--read-only",
                "--mount", "type=tmpfs,destination=/tmp,tmpfs-size=" + tmpBytes,
                "--limit-memory", Long.toString(memory), "--limit-cpu", String.format(Locale.ROOT, "%.3f", nanoCpus / 1e9),
                "--limit-pids", Long.toString(pids), "--restart-condition", "any", "--restart-delay", "5s",
                "--replicas-max-per-node", "1", "--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3"));
        for (String kind : List.of("update", "rollback")) {
            flags.addAll(List.of("--" + kind + "-parallelism", "1", "--" + kind + "-delay", "0s", "--" + kind + "-monitor", "5s",
                    "--" + kind + "-order", order, "--" + kind + "-max-failure-ratio", "0",
                    "--" + kind + "-failure-action", kind.equals("update") ? "rollback" : "pause"));
        }
        flags.addAll(List.of("--endpoint-mode", "dnsrr", "--publish", "mode=host,target=8080,published=" + port + ",protocol=tcp"));
        return flags;
    }

    // --- 2. rolling update of three replicas ---------------------------------------------------

    Comparison rollingUpdates(int rounds) throws Exception {
        String agent = "bsw" + run + "-trio";
        ourAgents.add(agent);
        System.err.println("rolling update: two versions of a three-replica agent, and the same service by hand...");
        Results.Deployed v1 = env.deploy(env.body(agent).put("replicas", 3));
        env.agentRepo.commit(Map.of("VERSION", "2-" + run));
        Results.Deployed v2 = env.deploy(env.body(agent).put("replicas", 3));
        if (!v1.ready() || !v2.ready() || v1.image().equals(v2.image())) throw new IllegalStateException("the two versions did not deploy");
        JsonNode ours = services.find("jules-agent-" + agent).orElseThrow();
        JsonNode task = ours.path("Spec").path("TaskTemplate");
        JsonNode limits = task.path("Resources").path("Limits");
        String order = ours.path("Spec").path("UpdateConfig").path("Order").asText();
        long tmp = 0;
        for (JsonNode m : task.path("ContainerSpec").path("Mounts")) {
            if ("tmpfs".equals(m.path("Type").asText())) tmp = m.path("TmpfsOptions").path("SizeBytes").asLong();
        }
        String name = "jules-agent-bsw" + run + "-htrio";
        handServices.add(name);
        List<String> create = new ArrayList<>(List.of("service", "create", "--detach", "--quiet", "--name", name));
        create.addAll(serviceFlags(3, order, freePort(32100), limits.path("MemoryBytes").asLong(), limits.path("NanoCPUs").asLong(),
                limits.path("Pids").asLong(), tmp));
        create.add(v2.image());
        String handId = docker(create).strip();
        awaitTasks(handId, digestOf(v2.image()), 3, null);

        Comparison c = new Comparison("rolling update, 3 replicas on 3 nodes, image present (update order " + order
                + ", parallelism 1, monitor 5 s)", 1.0, rounds);
        for (int round = 1; round <= rounds; round++) {
            Results.Deployed target = round % 2 == 1 ? v1 : v2;
            Map<String, Double> hand = null;
            if (round % 2 == 1) hand = handUpdate(handId, target.image());
            long start = System.nanoTime();
            Results.Deployed back = env.routes.rollback().rollback(new RollbackRequest(agent, target.deploymentId(), null, true));
            long end = System.nanoTime();
            if (!back.ready() || !back.image().equals(target.image())) throw new IllegalStateException("our update did not finish: "
                    + back.notReadyBecause());
            Map<String, Double> mine = phases(back);
            mine.put("other", ms(end - start) - mine.values().stream().mapToDouble(Double::doubleValue).sum());
            mine.put("total", ms(end - start));
            if (round % 2 == 0) hand = handUpdate(handId, target.image());
            c.add(mine, hand);
            System.err.printf(Locale.ROOT, "rolling update, round %d: ours %.0f ms %s, by hand %.0f ms %s%n", round, mine.get("total"), mine,
                    hand.get("total"), hand);
        }
        return c;
    }

    /**
     * {@code docker service update --image} as the CLI runs it (waiting for convergence), while this
     * process reads the service and its tasks every 500 ms as our wait does: "total" is when that
     * wait sees the update completed and three tasks of the image running, "cli" when the CLI returns.
     */
    Map<String, Double> handUpdate(String serviceId, String image) throws Exception {
        JsonNode before = engine.get("/services/" + serviceId).path("UpdateStatus");
        long start = System.nanoTime();
        Process update = process(List.of("docker", "service", "update", "--image", image, "--with-registry-auth", serviceId));
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(update.getInputStream().readAllBytes());
            } catch (IOException e) {
                return e.toString();
            }
        });
        awaitTasks(serviceId, digestOf(image), 3, before);
        long seen = System.nanoTime();
        if (!update.waitFor(10, TimeUnit.MINUTES) || update.exitValue() != 0) {
            throw new IllegalStateException("docker service update failed: " + output.get());
        }
        long cliEnd = System.nanoTime();
        Map<String, Double> steps = new LinkedHashMap<>();
        steps.put("total", ms(seen - start));
        steps.put("cli", ms(cliEnd - start));
        return steps;
    }

    // --- 3. list of 60 --------------------------------------------------------------------------

    Comparison lists(int runs) throws Exception {
        System.err.println("list: making " + LIST_SERVICES + " agent services by hand...");
        String base = registry + "/python:3.11-slim";
        Set<Integer> taken = takenPorts();
        int port = 30000;
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= LIST_SERVICES; i++) {
            while (taken.contains(port)) port++;
            String agent = "bsw" + run + "-l" + i;
            String name = "jules-agent-" + agent;
            handServices.add(name);
            ObjectNode spec = JSON.createObjectNode();
            spec.put("Name", name);
            spec.putObject("Labels").put("jules.managed", "true").put("jules.agent", agent)
                    .put("jules.deployment", java.util.UUID.randomUUID().toString()).put("jules.port", "8080").put("bench.swarm", run);
            ObjectNode container = spec.putObject("TaskTemplate").putObject("ContainerSpec");
            container.put("Image", base);
            container.putArray("Command").add("python").add("-m").add("http.server").add("8080");
            container.putObject("Labels").put("jules.task-of", agent);
            spec.putObject("Mode").putObject("Replicated").put("Replicas", 1);
            ObjectNode endpoint = spec.putObject("EndpointSpec").put("Mode", "dnsrr");
            endpoint.putArray("Ports").addObject().put("Protocol", "tcp").put("TargetPort", 8080).put("PublishedPort", port++)
                    .put("PublishMode", "host");
            ids.add(engine.post("/services/create", spec, services.registry().header()).path("ID").asText());
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            Set<String> mine = new HashSet<>(ids);
            long running = 0;
            for (JsonNode t : engine.get("/tasks")) {
                if (mine.contains(t.path("ServiceID").asText()) && SwarmViews.running(t)) running++;
            }
            if (running >= LIST_SERVICES) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + running + " of the 60 tasks run after 5 minutes");
            Thread.sleep(1000);
        }
        DeploymentRecords records = new DeploymentRecords(env.store);
        Comparison c = new Comparison("list of " + LIST_SERVICES + " agent services (services, tasks, nodes, records) against GET /services + "
                + "GET /tasks at once, same client", 1.25, runs);
        for (int i = 0; i < 5; i++) {
            env.list();
            engineLists();
        }
        int listed = 0;
        int[] engineCounts = null;
        for (int i = 1; i <= runs; i++) {
            Map<String, Double> hand = null;
            if (i % 2 == 1) {
                long start = System.nanoTime();
                engineCounts = engineLists();
                hand = Map.of("total", ms(System.nanoTime() - start));
            }
            long start = System.nanoTime();
            listed = env.list().size();
            Map<String, Double> ours = new LinkedHashMap<>(Map.of("total", ms(System.nanoTime() - start)));
            if (i % 2 == 0) {
                long handStart = System.nanoTime();
                engineCounts = engineLists();
                hand = Map.of("total", ms(System.nanoTime() - handStart));
            }
            // Where ours goes beyond the two calls: each of its other reads alone (outside both timings).
            long t = System.nanoTime();
            services.nodes();
            ours.put("nodes alone", ms(System.nanoTime() - t));
            t = System.nanoTime();
            records.live();
            ours.put("records alone", ms(System.nanoTime() - t));
            t = System.nanoTime();
            services.listManaged();
            ours.put("services alone", ms(System.nanoTime() - t));
            t = System.nanoTime();
            services.tasks();
            ours.put("tasks alone", ms(System.nanoTime() - t));
            // The floor with the table: the engine's two calls and the live records, all three at once, nothing of ours around them.
            t = System.nanoTime();
            var floorRecords = CompletableFuture.supplyAsync(records::live, Thread::startVirtualThread);
            engineLists();
            floorRecords.join();
            ours.put("floor: both calls + records at once", ms(System.nanoTime() - t));
            c.add(ours, new LinkedHashMap<>(hand));
        }
        c.note = String.format(Locale.ROOT, "list answered %d agents; the engine listed %d services and %d tasks", listed,
                engineCounts[0], engineCounts[1]);
        return c;
    }

    /** GET /services and GET /tasks, both at once over the routes' own client; their counts. */
    int[] engineLists() {
        var all = CompletableFuture.supplyAsync(() -> engine.get("/services"), Thread::startVirtualThread);
        var tasks = CompletableFuture.supplyAsync(() -> engine.get("/tasks"), Thread::startVirtualThread);
        return new int[]{all.join().size(), tasks.join().size()};
    }

    // --- waits ----------------------------------------------------------------------------------

    /**
     * Reads the service and its tasks every 500 ms, as our deploy's wait does, until {@code replicas}
     * tasks of the image run (and, for an update, its update status says completed); returns them.
     */
    List<JsonNode> awaitTasks(String serviceId, String digest, int replicas, JsonNode before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String filter = URLEncoder.encode("{\"service\":[\"" + serviceId + "\"]}", StandardCharsets.UTF_8);
        while (true) {
            boolean done = true;
            if (before != null) {
                JsonNode status = engine.get("/services/" + serviceId).path("UpdateStatus");
                boolean ours = !status.isMissingNode() && !status.path("StartedAt").equals(before.path("StartedAt"));
                String state = ours ? status.path("State").asText() : "";
                if (state.startsWith("rollback") || state.equals("paused")) throw new IllegalStateException("the update by hand failed: " + status);
                done = "completed".equals(state);
            }
            List<JsonNode> running = new ArrayList<>();
            for (JsonNode t : engine.get("/tasks?filters=" + filter)) {
                if (SwarmViews.running(t) && t.path("Spec").path("ContainerSpec").path("Image").asText().endsWith(digest)) running.add(t);
            }
            if (done && running.size() >= replicas) return running;
            if (System.nanoTime() > deadline) throw new IllegalStateException("service " + serviceId + " did not converge");
            Thread.sleep(TASK_POLL);
        }
    }

    /** GET http://address:port/health every 10 ms until it answers 200. */
    static void awaitHealth(String address, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status(address, port) != 200) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(address + ":" + port + "/health never answered 200");
            Thread.sleep(HEALTH_POLL);
        }
    }

    static int status(String address, int port) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create("http://" + address + ":" + port + "/health").toURL().openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            connection.setRequestProperty("Connection", "close");
            return connection.getResponseCode();
        } catch (IOException notYet) {
            return -1;
        } finally {
            if (connection != null) connection.disconnect();
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    void login() throws Exception {
        Process login = process(List.of("docker", "login", registry, "-u", TestEnvironment.require("VM_TEST_SWARM_REGISTRY_USER"),
                "--password-stdin"));
        login.getOutputStream().write(TestEnvironment.require("VM_TEST_SWARM_REGISTRY_PASSWORD").getBytes());
        login.getOutputStream().close();
        String output = new String(login.getInputStream().readAllBytes());
        if (login.waitFor() != 0) throw new IllegalStateException("docker login failed: " + output);
    }

    Map<String, String> nodeAddresses() {
        Map<String, String> addresses = new HashMap<>();
        for (JsonNode n : services.nodes()) addresses.put(n.path("ID").asText(), SwarmViews.address(n));
        return addresses;
    }

    Set<Integer> takenPorts() {
        Set<Integer> taken = new HashSet<>();
        for (JsonNode s : engine.get("/services")) {
            for (JsonNode p : s.path("Spec").path("EndpointSpec").path("Ports")) taken.add(p.path("PublishedPort").asInt());
            for (JsonNode p : s.path("Endpoint").path("Ports")) taken.add(p.path("PublishedPort").asInt());
        }
        return taken;
    }

    int freePort(int from) {
        Set<Integer> taken = takenPorts();
        int port = from + java.util.concurrent.ThreadLocalRandom.current().nextInt(100);
        while (taken.contains(port)) port++;
        return port;
    }

    static String digestOf(String image) {
        return image.substring(image.indexOf('@') + 1);
    }

    static Map<String, Double> phases(Results.Deployed d) {
        Map<String, Double> steps = new LinkedHashMap<>();
        for (Results.Phase p : d.phases()) steps.merge(p.phase(), (double) p.durationMs(), Double::sum);
        return steps;
    }

    Process process(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(cli);
        return builder.start();
    }

    String docker(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(args);
        return run(command);
    }

    String run(List<String> command) throws Exception {
        Process p = process(command);
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command.subList(0, 2)) + " failed: " + output);
        return output;
    }

    /** Every service this made goes, by name; then the temporary login. */
    void cleanUp() {
        for (String name : handServices) services.remove(name);
        for (String agent : ourAgents) {
            try {
                env.removeAgentService(agent);
            } catch (RuntimeException e) {
                System.err.println("could not remove the service of " + agent + ": " + e.getMessage());
            }
        }
        try {
            DeployBench.deleteTree(dockerConfig);
        } catch (IOException e) {
            System.err.println("could not delete " + dockerConfig + ": " + e.getMessage());
        }
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    // --- results --------------------------------------------------------------------------------

    /** One comparison: the steps of each round on both sides and the per-round ratios of the totals. */
    static final class Comparison {
        final String title;
        final double target;
        final int rounds;
        final DeployBench.Samples ours = new DeployBench.Samples();
        final DeployBench.Samples hand = new DeployBench.Samples();
        final List<Double> ratios = new ArrayList<>();
        String note;

        Comparison(String title, double target, int rounds) {
            this.title = title;
            this.target = target;
            this.rounds = rounds;
        }

        void add(Map<String, Double> o, Map<String, Double> h) {
            o.forEach(ours::add);
            h.forEach(hand::add);
            ratios.add(o.get("total") / h.get("total"));
        }

        void print() {
            out.printf("%n%s: %d rounds, medians in ms%n", title, rounds);
            out.printf("  ours:    %s%n", medians(ours));
            out.printf("  by hand: %s%n", medians(hand));
            List<Double> totalsOurs = ours.values.get("total");
            List<Double> totalsHand = hand.values.get("total");
            double ratio = median(ratios);
            out.printf(Locale.ROOT, "  ours / by hand: %.2fx (median of the per-round ratios; of the median totals %.2fx; ratios %s..%s); "
                            + "ours %s..%s ms, by hand %s..%s ms; target <= %.2fx: %s%n", ratio,
                    ours.median("total") / hand.median("total"), fmt(min(ratios)), fmt(max(ratios)),
                    DeployBench.num(min(totalsOurs)), DeployBench.num(max(totalsOurs)), DeployBench.num(min(totalsHand)),
                    DeployBench.num(max(totalsHand)), target, ratio <= target ? "met" : "NOT met");
            if (hand.values.containsKey("cli")) {
                out.printf(Locale.ROOT, "  ours / the CLI's own wait (docker service update until it returns): %.2fx of the medians%n",
                        ours.median("total") / hand.median("cli"));
            }
            if (note != null) out.println("  " + note);
        }

        static String medians(DeployBench.Samples s) {
            StringBuilder b = new StringBuilder();
            s.values.keySet().forEach(k -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(DeployBench.num(s.median(k))));
            return b.toString();
        }

        static double median(List<Double> v) {
            List<Double> sorted = v.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        static double min(List<Double> v) {
            return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        static double max(List<Double> v) {
            return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        static String fmt(double ratio) {
            return String.format(Locale.ROOT, "%.2fx", ratio);
        }
    }
}
