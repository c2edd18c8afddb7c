package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.LogsRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.RollbackRequest;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Agents on a real three-node Swarm (scripts/swarm-env): each node a Docker engine of its own, the
 * manager behind mutual TLS, images through a registry that needs a login, each node publishing
 * its own tasks' ports. The node-failure test runs last: it kills a node's daemon and brings it back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmIT {

    @RegisterExtension
    static final TestRoutes env = TestRoutes.onSwarm();

    private static final List<String> SPREAD = List.of("spread-1", "spread-2", "spread-3", "spread-4", "spread-5", "spread-6");

    /** An agent that answers /peer?name=X with what GET http://X:8080/health gave it. */
    private static final String PEER_AGENT = String.join("\n",
            "import http.server, urllib.request, urllib.parse, threading",
            "def fetch(name, answer):",
            "    try:",
            "        answer.append((200, urllib.request.urlopen('http://' + name + ':8080/health', timeout=2).read()))",
            "    except Exception as e:",
            "        answer.append((502, repr(e).encode()))",
            "class Handler(http.server.BaseHTTPRequestHandler):",
            "    def do_GET(self):",
            "        url = urllib.parse.urlparse(self.path)",
            "        code, body = 200, b'ok'",
            "        if url.path == '/peer':",
            "            answer = []",
            "            fetching = threading.Thread(target=fetch, args=(urllib.parse.parse_qs(url.query)['name'][0], answer), daemon=True)",
            "            fetching.start()",
            "            fetching.join(2)",
            "            code, body = answer[0] if answer else (504, b'no answer within 2 s')",
            "        self.send_response(code)",
            "        self.send_header('Content-Length', str(len(body)))",
            "        self.end_headers()",
            "        self.wfile.write(body)",
            "    def log_message(self, *args):",
            "        pass",
            "http.server.ThreadingHTTPServer(('0.0.0.0', 8080), Handler).serve_forever()",
            "");

    private static ObjectNode body(String agent, String repo) {
        return env.body(agent).put("repo_url", env.git.url(repo));
    }

    private static AgentRepo serve(String name, String mainPy) throws Exception {
        AgentRepo repo = AgentRepo.create(env.dir, name, Map.of("main.py", mainPy));
        env.git.serve(name, repo.repository());
        return repo;
    }

    private static dev.vmroutes.store.DeploymentRecords records() {
        return new dev.vmroutes.store.DeploymentRecords(env.store);
    }

    private static int port(Results.Deployed d) {
        return d.ports().get("8080/tcp");
    }

    private static String address(Results.Deployed d) {
        return d.tasks().stream().filter(SwarmIT::started).findFirst().orElseThrow().nodeAddress();
    }

    /** A task whose container runs (Swarm says starting until its first health check passes). */
    private static boolean started(Results.Task t) {
        return "running".equals(t.state()) || "starting".equals(t.state());
    }

    private static Results.Listed listed(String agent) {
        return env.list().stream().filter(l -> agent.equals(l.agentName())).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void sixAgentsLandOnSeveralNodes_eachAnswersOnItsNode_andListHealthLogsAndNodesSayWhere() throws Exception {
        List<Results.Deployed> deployed = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<Results.Deployed>> running = new ArrayList<>();
            for (String agent : SPREAD) running.add(pool.submit(() -> env.deploy(env.body(agent))));
            for (Future<Results.Deployed> f : running) deployed.add(f.get());
        }
        Set<String> nodes = new HashSet<>();
        for (Results.Deployed d : deployed) {
            assertThat(d.ready()).as(d.notReadyBecause()).isTrue();
            assertThat(d.image()).contains("@sha256:");
            assertThat(d.replicas()).isEqualTo(new Results.Replicas(1, 1));
            assertThat(d.tasks()).hasSize(1);
            nodes.add(d.tasks().get(0).node());
            assertThat(d.addresses()).containsExactly(address(d));
            assertThat(SwarmCluster.status(address(d), port(d), "/health")).isEqualTo(200);
        }
        assertThat(nodes).as("the nodes the six agents run on").hasSizeGreaterThanOrEqualTo(2);

        for (String agent : SPREAD) {
            Results.Listed entry = listed(agent);
            assertThat(entry.containerName()).isEqualTo("jules-agent-" + agent);
            assertThat(entry.status()).isEqualTo("running");
            assertThat(entry.tasks()).singleElement().satisfies(t -> assertThat(t.node()).isNotNull());
            assertThat(entry.deploymentId()).isNotNull();

            Results.Health health = env.health(entry.containerName(), "/health");
            assertThat(health.healthStatus()).isEqualTo("healthy");
            assertThat(health.tasks()).singleElement().satisfies(t -> {
                assertThat(t.httpProbe().statusCode()).isEqualTo(200);
                assertThat(t.httpProbe().url()).startsWith("http://" + t.nodeAddress() + ":");
            });

            // A worker node's output reaches the manager a moment after it is written.
            Results.Logs logs = env.routes.agents().logs().read(new LogsRequest(entry.containerName(), 50, null));
            for (int wait = 0; wait < 20 && logs.lines().isEmpty(); wait++) {
                Thread.sleep(500);
                logs = env.routes.agents().logs().read(new LogsRequest(entry.containerName(), 50, null));
            }
            assertThat(logs.lines()).anySatisfy(line -> {
                assertThat(line.text()).contains("agent listening");
                assertThat(line.node()).isEqualTo(entry.tasks().get(0).node());
                assertThat(line.task()).isEqualTo(entry.tasks().get(0).taskId());
            });
        }
        List<Results.Node> cluster = env.routes.agents().nodes().nodes();
        assertThat(cluster).hasSize(3).allSatisfy(n -> assertThat(n.state()).isEqualTo("ready"));
        assertThat(cluster.stream().filter(Results.Node::leader)).hasSize(1);
        for (String agent : SPREAD) {
            String node = listed(agent).tasks().get(0).node();
            assertThat(cluster).filteredOn(n -> n.hostname().equals(node)).singleElement()
                    .satisfies(n -> assertThat(n.tasks()).anySatisfy(t -> assertThat(t.agentName()).isEqualTo(agent)));
        }
    }

    @Test
    @Order(2)
    void anUpdateWhoseHealthCheckFails_isRolledBackBySwarm_theOldVersionAnswersThroughout_andThePortStays() throws Exception {
        AgentRepo repo = serve("steady", AgentRepo.HTTP_AGENT);
        Results.Deployed v1 = env.deploy(body("steady", "steady"));
        assertThat(v1.ready()).as(v1.notReadyBecause()).isTrue();
        int port = port(v1);
        String address = address(v1);

        repo.commit(Map.of("main.py", AgentRepo.HTTP_AGENT.replace("int(os.environ.get('HEALTH_CODE', '200'))", "500")));
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicInteger polls = new AtomicInteger();
        List<Integer> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread poller = Thread.ofVirtual().start(() -> {
            while (polling.get()) {
                int status = SwarmCluster.status(address, port, "/health");
                polls.incrementAndGet();
                if (status != 200) failed.add(status);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            assertThatThrownBy(() -> env.deploy(body("steady", "steady")))
                    .isInstanceOfSatisfying(VmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
                        assertThat(e.getMessage()).contains("ready").contains("rolled the update back").contains("previous version keeps serving");
                    });
        } finally {
            polling.set(false);
            poller.join();
        }
        assertThat(polls.get()).isGreaterThan(20);
        assertThat(failed).as("polls of v1 that failed during the update").isEmpty();
        Results.Listed after = listed("steady");
        assertThat(after.image()).isEqualTo(v1.image());
        assertThat(after.ports()).isEqualTo(v1.ports());
        assertThat(after.deploymentId()).isEqualTo(v1.deploymentId());
        Deployment failedRecord = records().ofAgent("steady", 5).get(0);
        assertThat(failedRecord.status()).isEqualTo("failed");
        assertThat(failedRecord.failurePhase()).isEqualTo("ready");

        // A good version, then back: the port never moves.
        repo.commit(Map.of("main.py", AgentRepo.HTTP_AGENT, "VERSION", "3"));
        Results.Deployed v3 = env.deploy(body("steady", "steady"));
        assertThat(v3.ready()).as(v3.notReadyBecause()).isTrue();
        assertThat(v3.ports()).isEqualTo(v1.ports());
        assertThat(v3.image()).isNotEqualTo(v1.image());
        assertThat(v3.replaced()).containsExactly("jules-agent-steady");
        Results.Deployed back = env.routes.rollback().rollback(new RollbackRequest("steady", null, null, true));
        assertThat(back.ready()).as(back.notReadyBecause()).isTrue();
        assertThat(back.image()).isEqualTo(v1.image());
        assertThat(back.rollbackOf()).isEqualTo(v1.deploymentId());
        assertThat(back.ports()).isEqualTo(v1.ports());
        assertThat(SwarmCluster.status(address(back), port, "/health")).isEqualTo(200);
    }

    @Test
    @Order(3)
    void theRegistrysLogin_servesCreateUpdateAndARollbackThreeVersionsBack() throws Exception {
        AgentRepo repo = serve("versions", AgentRepo.HTTP_AGENT);
        List<Results.Deployed> versions = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            if (v > 1) repo.commit(Map.of("VERSION", Integer.toString(v)));
            Results.Deployed d = env.deploy(body("versions", "versions"));
            assertThat(d.ready()).as(d.notReadyBecause()).isTrue();
            versions.add(d);
        }
        assertThat(versions.stream().map(Results.Deployed::image).distinct()).hasSize(4);
        Results.Deployed back = env.routes.rollback().rollback(new RollbackRequest("versions", versions.get(0).deploymentId(), null, true));
        assertThat(back.ready()).as(back.notReadyBecause()).isTrue();
        assertThat(back.image()).isEqualTo(versions.get(0).image());
        assertThat(listed("versions").image()).isEqualTo(versions.get(0).image());

        // The registry really wants the login: without it, the image's manifest is refused.
        String registry = dev.vmroutes.testing.TestEnvironment.require("VM_TEST_SWARM_REGISTRY");
        String digest = back.image().substring(back.image().indexOf('@') + 1);
        int colon = registry.indexOf(':');
        assertThat(SwarmCluster.status(registry.substring(0, colon), Integer.parseInt(registry.substring(colon + 1)),
                "/v2/vm-routes-agent/manifests/" + digest)).isEqualTo(401);
    }

    @Test
    @Order(4)
    void wrongRegistryCredentials_failThePushAndMakeNoService() throws Exception {
        try (TestRoutes wrong = TestRoutes.onSwarm().with("VM_REGISTRY_AUTH", "{\"username\": \"vmr\", \"password\": \"not-the-password\"}")) {
            wrong.start();
            assertThatThrownBy(() -> wrong.deploy(wrong.body("locked-out")))
                    .isInstanceOfSatisfying(VmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
                        assertThat(e.getMessage()).contains("push").contains("unauthorized");
                        assertThat(e.getMessage()).doesNotContain("not-the-password");
                    });
            assertThat(wrong.routes.swarm().services().find("jules-agent-locked-out")).isEmpty();
        }
    }

    @Test
    @Order(5)
    void agentsOnOneOverlayNetworkReachEachOtherByNameAcrossNodes_anAgentOnNoNetworkCannot() throws Exception {
        serve("peer", PEER_AGENT);
        AgentServices services = env.routes.swarm().services();
        Results.Deployed b = env.deploy(body("net-b", "peer").put("network", "team"));
        assertThat(b.ready()).as(b.notReadyBecause()).isTrue();
        // Nothing new is placed on net-b's node while net-a is deployed: the two run on different nodes.
        JsonNode bNode = services.nodes().stream().filter(n -> SwarmViews.address(n).equals(address(b))).findFirst().orElseThrow();
        setAvailability(services, bNode.path("ID").asText(), "pause");
        Results.Deployed a;
        Results.Deployed lonely;
        try {
            a = env.deploy(body("net-a", "peer").put("network", "team"));
            lonely = env.deploy(body("lonely", "peer"));
        } finally {
            setAvailability(services, bNode.path("ID").asText(), "active");
        }
        assertThat(a.ready()).as(a.notReadyBecause()).isTrue();
        assertThat(address(a)).isNotEqualTo(address(b));
        var reached = SwarmCluster.answer(address(a), port(a), "/peer?name=net-b");
        assertThat(reached.statusCode()).as(reached.body()).isEqualTo(200);
        assertThat(reached.body()).isEqualTo("ok");
        var refused = SwarmCluster.answer(address(lonely), port(lonely), "/peer?name=net-b");
        assertThat(refused.statusCode()).as(refused.body()).isIn(502, 504);
    }

    private static void setAvailability(AgentServices services, String nodeId, String availability) {
        JsonNode node = services.engine().get("/nodes/" + nodeId);
        ObjectNode spec = node.path("Spec").deepCopy();
        spec.put("Availability", availability);
        services.engine().post("/nodes/" + nodeId + "/update?version=" + node.path("Version").path("Index").asLong(), spec, null);
    }

    @Test
    @Order(6)
    void threeReplicasRunOnThreeNodes_andAnAgentWithVolumesStaysOnItsVolumesNode() throws Exception {
        Results.Deployed trio = env.deploy(env.body("trio").put("replicas", 3));
        assertThat(trio.ready()).as(trio.notReadyBecause()).isTrue();
        assertThat(trio.replicas()).isEqualTo(new Results.Replicas(3, 3));
        assertThat(trio.addresses()).hasSize(3);
        for (String address : trio.addresses()) {
            assertThat(SwarmCluster.answer(address, port(trio), "/health").statusCode()).as(address + " of " + trio.tasks()).isEqualTo(200);
        }

        ObjectNode keeper = env.body("keeper");
        keeper.putObject("volumes").put("data", "/data");
        Results.Deployed first = env.deploy(keeper);
        assertThat(first.ready()).as(first.notReadyBecause()).isTrue();
        JsonNode service = env.routes.swarm().services().find("jules-agent-keeper").orElseThrow();
        String pinned = ServiceSpecs.labels(service).get(ServiceSpecs.VOLUME_NODE);
        assertThat(pinned).isNotNull();
        assertThat(records().get(first.deploymentId()).orElseThrow().settings().volumeNode()).isEqualTo(pinned);
        Results.Deployed again = env.deploy(env.body("keeper").put("force", true));
        assertThat(again.ready()).as(again.notReadyBecause()).isTrue();
        assertThat(again.tasks()).singleElement().satisfies(t -> assertThat(t.node()).isEqualTo(first.tasks().get(0).node()));
        assertThat(records().get(again.deploymentId()).orElseThrow().settings().volumes()).containsEntry("data", "/data");
    }

    @Test
    @Order(7)
    void aNodesDaemonKilled_itsTasksRunElsewhereWithin60s_nodesShowsItDown_theSweepReportsTheMove() throws Exception {
        AgentServices services = env.routes.swarm().services();
        String manager = services.nodes().stream().filter(n -> n.path("ManagerStatus").path("Leader").asBoolean())
                .map(SwarmViews::address).findFirst().orElseThrow();
        Map<String, String> where = new java.util.HashMap<>();
        for (String agent : SPREAD) where.put(agent, listed(agent).tasks().get(0).nodeAddress());
        String victim = where.values().stream().filter(a -> !a.equals(manager)).findFirst()
                .orElseThrow(() -> new AssertionError("every agent runs on the manager"));
        List<String> moved = where.entrySet().stream().filter(e -> e.getValue().equals(victim)).map(Map.Entry::getKey).toList();
        env.sweep();

        long killedAt = System.nanoTime();
        SwarmCluster.killDaemon(SwarmCluster.number(victim));
        try {
            long deadline = killedAt + java.time.Duration.ofSeconds(60).toNanos();
            boolean rescheduled = false;
            while (!rescheduled && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                // Running, as Swarm says once the moved task's health check passed: only then does it answer for sure.
                rescheduled = moved.stream().allMatch(agent -> listed(agent).tasks().stream()
                        .anyMatch(t -> "running".equals(t.state()) && !victim.equals(t.nodeAddress())));
            }
            assertThat(rescheduled).as("the tasks of " + moved + " run on another node within 60 s").isTrue();
            for (String agent : moved) {
                Results.Task task = listed(agent).tasks().stream().filter(t -> "running".equals(t.state()) && !victim.equals(t.nodeAddress()))
                        .findFirst().orElseThrow();
                assertThat(SwarmCluster.status(task.nodeAddress(), listed(agent).ports().get("8080/tcp"), "/health")).isEqualTo(200);
            }
            assertThat(SwarmCluster.nodeState(services, victim)).isEqualTo("down");
            assertThat(env.routes.agents().nodes().nodes()).filteredOn(n -> n.address().equals(victim))
                    .singleElement().satisfies(n -> assertThat(n.state()).isEqualTo("down"));
            Results.SweepSummary sweep = env.sweep();
            for (String agent : moved) {
                assertThat(sweep.tasksMoved()).anySatisfy(line -> assertThat(line).startsWith("jules-agent-" + agent + ": task"));
            }
            assertThat(sweep.lost()).isZero();
            for (String agent : SPREAD) {
                assertThat(records().ofAgent(agent, 5)).first().satisfies(d -> assertThat(d.status()).isEqualTo("running"));
            }
        } finally {
            SwarmCluster.bringUp();
            long until = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
            while (!"ready".equals(SwarmCluster.nodeState(services, victim)) && System.nanoTime() < until) Thread.sleep(1000);
        }
    }
}
