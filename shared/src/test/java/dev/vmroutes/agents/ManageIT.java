package dev.vmroutes.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** List, stop and health against the real engine, with an unmanaged container beside ours. */
class ManageIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static String unmanagedId;
    static final String UNMANAGED = "hand-made-" + System.nanoTime();

    @BeforeAll
    static void start() throws Exception {
        unmanagedId = env.docker.createContainerCmd("python:3.11-slim").withName(UNMANAGED)
                .withCmd("python", "-c", "import time; time.sleep(300)")
                .withLabels(Map.of("jules.agent", "impostor")).exec().getId();
        env.docker.startContainerCmd(unmanagedId).exec();
    }

    @AfterAll
    static void stop() throws Exception {
        env.docker.removeContainerCmd(unmanagedId).withForce(true).exec();
    }

    static Results.Deployed deploy(String agent, String... cmd) {
        ObjectNode body = env.body(agent);
        if (cmd.length > 0) {
            var array = body.putArray("startup_cmd");
            for (String part : cmd) array.add(part);
        }
        return env.deploy(body);
    }

    static JsonNode stopBody(String name, Boolean remove) {
        ObjectNode body = JSON.createObjectNode().put("container_name", name);
        if (remove != null) body.put("remove", remove);
        return body;
    }

    @Test
    void list_showsExactlyManagedContainers_includingStoppedOnes_withPortsAndTimes() {
        Instant before = Instant.now().minusSeconds(2);
        Results.Deployed a = deploy("listed-a");
        Results.Deployed b = deploy("listed-b");
        env.stop(stopBody(b.containerName(), false));

        List<Results.Listed> rows = env.list();

        // Other test classes run beside this one: assert on this class's containers only.
        assertThat(rows).extracting(Results.Listed::containerId).contains(a.containerId(), b.containerId()).doesNotContain(unmanagedId);
        assertThat(rows).extracting(Results.Listed::containerName).doesNotContain(UNMANAGED);
        for (Results.Listed row : rows) {
            assertThat(row.agentName()).as("every listed container carries the agent label").isNotNull();
        }
        Results.Listed rowA = rows.stream().filter(r -> r.containerName().equals(a.containerName())).findFirst().orElseThrow();
        Results.Listed rowB = rows.stream().filter(r -> r.containerName().equals(b.containerName())).findFirst().orElseThrow();
        assertThat(rowA.status()).isEqualTo("running");
        assertThat(rowA.ports()).isEqualTo(a.ports());
        assertThat(rowA.created()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(Instant.parse(rowA.created())).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(rowA.deploymentId()).isEqualTo(a.deploymentId());
        assertThat(rowA.commitSha()).isEqualTo(a.commitSha());
        assertThat(rowB.status()).isEqualTo("exited");
        assertThat(rowB.ports()).isEmpty();
    }

    @Test
    void stop_withoutRemove_twice_keepsTheContainer_thenRemove_thenStopAgainIs404() {
        Results.Deployed d = deploy("stopper");

        assertThat(env.stop(stopBody(d.containerName(), false))).isEqualTo(new Results.Stopped(d.containerName(), false, null));
        assertThat(env.stop(stopBody(d.containerName(), false))).isEqualTo(new Results.Stopped(d.containerName(), false, null));
        assertThat(env.docker.inspectContainerCmd(d.containerId()).exec().getState().getStatus()).isEqualTo("exited");
        assertThat(env.store.get(d.deploymentId()).orElseThrow().status()).isEqualTo("stopped");

        assertThat(env.stop(stopBody(d.containerName(), null))).isEqualTo(new Results.Stopped(d.containerName(), true, null));
        assertThat(env.agentContainers("stopper")).isEmpty();
        assertThat(env.store.get(d.deploymentId()).orElseThrow().status()).isEqualTo("removed");

        VmException again = catchThrowableOfType(VmException.class, () -> env.stop(stopBody(d.containerName(), true)));
        assertThat(again.kind()).isEqualTo(VmException.Kind.NOT_FOUND);
    }

    @Test
    void stop_unmanagedContainer_is404AndLeavesItRunning() {
        VmException e = catchThrowableOfType(VmException.class, () -> env.stop(stopBody(UNMANAGED, true)));
        assertThat(e.kind()).isEqualTo(VmException.Kind.NOT_FOUND);
        VmException byIdPrefix = catchThrowableOfType(VmException.class,
                () -> env.stop(stopBody(unmanagedId.substring(0, 12), true)));
        assertThat(byIdPrefix.kind()).isEqualTo(VmException.Kind.NOT_FOUND);
        assertThat(env.docker.inspectContainerCmd(unmanagedId).exec().getState().getRunning()).isTrue();
    }

    @Test
    void stop_badBodies_are400() {
        assertThat(catchThrowableOfType(VmException.class, () -> env.stop(JSON.createObjectNode())).detail())
                .startsWith("container_name: ");
        assertThat(catchThrowableOfType(VmException.class, () -> env.stop(
                JSON.createObjectNode().put("container_name", "x").put("remove", "yes"))).detail()).startsWith("remove: ");
        assertThat(catchThrowableOfType(VmException.class, () -> env.stop(
                JSON.createObjectNode().put("container_name", "../x"))).kind()).isEqualTo(VmException.Kind.INVALID);
    }

    @Test
    void health_ofRunningAgent_reportsStatesAndProbes() throws Exception {
        Results.Deployed d = deploy("probed");
        String name = d.containerName();

        Results.Health starting = env.health(name, null);
        assertThat(starting.containerStatus()).isEqualTo("running");
        assertThat(starting.healthStatus()).isIn("starting", "healthy");
        assertThat(starting.httpProbe().statusCode()).isEqualTo(200);
        assertThat(((JsonNode) starting.httpProbe().response()).get("status").asText()).isEqualTo("ok");

        Results.Health missingPath = env.health(name, "/missing");
        assertThat(missingPath.httpProbe().statusCode()).isEqualTo(404);
        assertThat(missingPath.httpProbe().response()).isEqualTo("not here");

        long start = System.nanoTime();
        Results.Health slow = env.health(name, "/slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(slow.httpProbe().error()).contains("timed out");
        assertThat(slow.httpProbe().statusCode()).isNull();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Results.Health healthy = env.health(name, "/health");
        while (!"healthy".equals(healthy.healthStatus()) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            healthy = env.health(name, "/health");
        }
        assertThat(healthy.healthStatus()).isEqualTo("healthy");
        assertThat(healthy.httpProbe().url()).startsWith("http://127.0.0.1:");
    }

    @Test
    void health_ofExitedAgent_reportsNotRunningInsideTheProbe() {
        Results.Deployed d = deploy("exits", "python", "-c", "print('ok')");
        Results.Health h = env.health(d.containerName(), "/health");
        assertThat(h.containerStatus()).isEqualTo("exited");
        assertThat(h.httpProbe().error()).isEqualTo("container is not running");
    }

    @Test
    void health_unknownOrUnmanaged_is404_andBadPathIs400() {
        assertThat(catchThrowableOfType(VmException.class, () -> env.health("jules-agent-nobody-1", null)).kind()).isEqualTo(VmException.Kind.NOT_FOUND);
        assertThat(catchThrowableOfType(VmException.class, () -> env.health(UNMANAGED, null)).kind()).isEqualTo(VmException.Kind.NOT_FOUND);
        // A one-character name is an id prefix that several containers share; still just "not found".
        for (String prefix : List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f")) {
            assertThat(catchThrowableOfType(VmException.class, () -> env.health(prefix, null)).kind()).isEqualTo(VmException.Kind.NOT_FOUND);
        }
        VmException badPath = catchThrowableOfType(VmException.class, () -> env.health(UNMANAGED, "http://169.254.169.254/"));
        assertThat(badPath.kind()).isEqualTo(VmException.Kind.INVALID);
        assertThat(badPath.detail()).startsWith("path: ");
    }
}
