package dev.vmroutes.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.api.Tracing;
import dev.vmroutes.deploy.DeployJobs;
import dev.vmroutes.metrics.Metrics;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deploy through the local worker is one X-Ray trace: the request's segment, then the worker's
 * (its child, as an SQS message's trace header makes it on AWS) with a subsegment per phase in
 * order and per call to Git, the engine and the table. A UDP socket on loopback stands in for
 * the X-Ray daemon and keeps every document sent to it.
 */
@Isolated("tracing is configured for the whole process: another class's routes would turn it off")
class TracingIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Daemon DAEMON = Daemon.listen();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_TRACING", "xray");

    /** The X-Ray daemon's UDP side: each datagram is {@code {"format":"json","version":1}}, a newline, and a segment document. */
    record Daemon(DatagramSocket socket, List<JsonNode> documents) {
        static Daemon listen() {
            try {
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                System.setProperty("com.amazonaws.xray.emitters.daemonAddress", "127.0.0.1:" + socket.getLocalPort());
                Daemon daemon = new Daemon(socket, new CopyOnWriteArrayList<>());
                Thread.ofPlatform().daemon().start(daemon::receive);
                return daemon;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void receive() {
            byte[] buffer = new byte[65_536];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                    int newline = text.indexOf('\n');
                    assertThat(JSON.readTree(text.substring(0, newline))).isEqualTo(JSON.readTree("{\"format\":\"json\",\"version\":1}"));
                    documents.add(JSON.readTree(text.substring(newline + 1)));
                } catch (Exception e) {
                    if (!socket.isClosed()) documents.add(JSON.createObjectNode().put("unreadable", String.valueOf(e)));
                }
            }
        }

        JsonNode segment(String name) throws InterruptedException {
            // The worker ends its segment just after it recorded the answer the test waited for.
            for (int i = 0; i < 300; i++) {
                for (JsonNode d : documents) if (name.equals(d.path("name").asText()) && !d.has("type")) return d;
                Thread.sleep(20);
            }
            throw new AssertionError("no segment " + name + " among " + documents);
        }
    }

    @AfterAll
    static void stop() {
        Tracing.configure(false, false);
        DAEMON.socket().close();
        System.clearProperty("com.amazonaws.xray.emitters.daemonAddress");
    }

    static void collect(JsonNode entity, List<JsonNode> into) {
        for (JsonNode sub : entity.path("subsegments")) {
            into.add(sub);
            collect(sub, into);
        }
    }

    @Test
    void aDeployThroughTheLocalWorker_isOneTrace_withItsPhasesInOrder_andItsCalls() throws Exception {
        // Files of its own, so the image is built, not found.
        env.git.serve("traced", AgentRepo.create(env.dir, "traced",
                Map.of("main.py", AgentRepo.HTTP_AGENT + "\n# " + UUID.randomUUID() + "\n")).repository());
        ObjectNode body = env.body("traced-agent").put("repo_url", env.git.url("traced"));
        DeployJobs.Accepted accepted;
        String requestSegmentId;
        try (Tracing.Scope request = Tracing.segment("vm-routes-request", null)) {
            requestSegmentId = com.amazonaws.xray.AWSXRay.getGlobalRecorder().getTraceEntity().getId();
            accepted = env.routes.jobs().submit(env.routes.parser().parse(body), body);
        }
        String answer = env.routes.jobs().await(accepted.deploymentId(), Duration.ofMinutes(5)).orElseThrow();
        env.routes.agents().stop().stop(StopRequest.parse(JSON.createObjectNode()
                .put("container_name", JSON.readTree(answer).get("container_name").asText()).put("remove", true)));

        JsonNode requestSegment = DAEMON.segment("vm-routes-request");
        JsonNode worker = DAEMON.segment("deploy-worker");
        assertThat(worker.get("trace_id").asText()).isEqualTo(requestSegment.get("trace_id").asText());
        assertThat(worker.get("parent_id").asText()).isEqualTo(requestSegmentId);

        List<JsonNode> subsegments = new ArrayList<>();
        collect(worker, subsegments);
        for (JsonNode d : DAEMON.documents()) {
            if ("subsegment".equals(d.path("type").asText()) && d.path("trace_id").asText().equals(worker.get("trace_id").asText())) {
                subsegments.add(d);
                collect(d, subsegments);
            }
        }
        List<String> phases = subsegments.stream().filter(s -> Metrics.DEPLOY_PHASES.contains(s.get("name").asText()))
                .sorted(Comparator.comparingDouble(s -> s.get("start_time").asDouble()))
                .map(s -> s.get("name").asText()).distinct().toList();
        assertThat(phases).containsExactlyElementsOf(Metrics.DEPLOY_PHASES);
        List<String> names = subsegments.stream().map(s -> s.get("name").asText()).toList();
        assertThat(names).anyMatch(n -> n.startsWith("git "));
        assertThat(names).anyMatch(n -> n.matches("docker POST .*/build"));
        assertThat(names).anyMatch(n -> n.matches("docker POST .*/containers/create"));
        assertThat(names).as("calls to the table").contains("DynamoDb");
        assertThat(DAEMON.documents().toString()).doesNotContain(env.token).doesNotContain("unreadable");
    }
}
