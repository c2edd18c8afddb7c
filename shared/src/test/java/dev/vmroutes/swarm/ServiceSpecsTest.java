package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.ContainerLimits;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.Labels;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceSpecsTest {

    private static final ContainerSpec AGENT = new ContainerSpec("jules-agent-alpha", "registry.example:5000/agents@sha256:abc", "alpha",
            "dep-1", 8080, Map.of("GREETING", "hi"), new ContainerLimits(256L << 20, 500_000_000L, 128), Map.of(), null);

    @Test
    void theServiceIsHardenedAndCappedAsAContainerIs() {
        JsonNode spec = new ServiceSpecs(64L << 20, false, Duration.ofSeconds(5)).spec(AGENT, AGENT.image(), 2, 30123, null, null, true);
        JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
        assertThat(spec.path("Name").asText()).isEqualTo("jules-agent-alpha");
        assertThat(container.path("Image").asText()).endsWith("@sha256:abc");
        assertThat(container.path("Init").asBoolean()).isTrue();
        assertThat(container.path("CapabilityDrop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(container.path("CapabilityAdd").toString()).isEqualTo("[\"CAP_NET_BIND_SERVICE\"]");
        assertThat(container.path("Privileges").path("NoNewPrivileges").asBoolean()).isTrue();
        assertThat(container.path("ReadOnly").asBoolean()).isTrue();
        assertThat(container.path("Mounts").get(0).path("Type").asText()).isEqualTo("tmpfs");
        assertThat(container.path("Mounts").get(0).path("TmpfsOptions").path("SizeBytes").asLong()).isEqualTo(64L << 20);
        assertThat(container.path("Env").toString()).isEqualTo("[\"GREETING=hi\"]");
        JsonNode limits = spec.path("TaskTemplate").path("Resources").path("Limits");
        assertThat(limits.path("MemoryBytes").asLong()).isEqualTo(256L << 20);
        assertThat(limits.path("NanoCPUs").asLong()).isEqualTo(500_000_000L);
        assertThat(limits.path("Pids").asLong()).isEqualTo(128);
        assertThat(spec.path("TaskTemplate").path("LogDriver").path("Options").path("max-size").asText()).isEqualTo("10m");
        assertThat(spec.path("Mode").path("Replicated").path("Replicas").asInt()).isEqualTo(2);
    }

    @Test
    void onlyTheServiceIsLabelledManaged_itsTasksAreNotAgentsOfTheirOwn() {
        JsonNode spec = new ServiceSpecs(0, false, Duration.ofSeconds(5)).spec(AGENT, AGENT.image(), 1, 30123, null, null, true);
        assertThat(spec.path("Labels").path(Labels.MANAGED).asText()).isEqualTo("true");
        assertThat(spec.path("Labels").path(Labels.AGENT).asText()).isEqualTo("alpha");
        assertThat(spec.path("Labels").path(Labels.DEPLOYMENT).asText()).isEqualTo("dep-1");
        JsonNode taskLabels = spec.path("TaskTemplate").path("ContainerSpec").path("Labels");
        assertThat(taskLabels.has(Labels.MANAGED)).isFalse();
        assertThat(taskLabels.path(ServiceSpecs.TASK_OF).asText()).isEqualTo("alpha");
        assertThat(spec.path("TaskTemplate").path("ContainerSpec").path("ReadOnly").asBoolean()).isFalse();
    }

    @Test
    void updatesAreGatedAndRollThemselvesBack() {
        JsonNode spec = new ServiceSpecs(0, false, Duration.ofSeconds(7)).spec(AGENT, AGENT.image(), 1, 30123, null, null, true);
        JsonNode update = spec.path("UpdateConfig");
        assertThat(update.path("FailureAction").asText()).isEqualTo("rollback");
        assertThat(update.path("Order").asText()).isEqualTo("start-first");
        assertThat(update.path("Monitor").asLong()).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(update.path("Parallelism").asInt()).isEqualTo(1);
        assertThat(spec.path("RollbackConfig").path("FailureAction").asText()).isEqualTo("pause");
        JsonNode stopFirst = new ServiceSpecs(0, false, Duration.ofSeconds(5)).spec(AGENT, AGENT.image(), 1, 30123, null, null, false);
        assertThat(stopFirst.path("UpdateConfig").path("Order").asText()).isEqualTo("stop-first");
    }

    @Test
    void theRoutingMeshPublishesOnEveryNode_hostModeOnTheTasksNodesWithRoundRobinDns() {
        JsonNode mesh = new ServiceSpecs(0, false, Duration.ofSeconds(5)).spec(AGENT, AGENT.image(), 1, 30123, null, null, true);
        assertThat(mesh.path("EndpointSpec").path("Mode").asText()).isEqualTo("vip");
        JsonNode port = mesh.path("EndpointSpec").path("Ports").get(0);
        assertThat(port.path("PublishMode").asText()).isEqualTo("ingress");
        assertThat(port.path("TargetPort").asInt()).isEqualTo(8080);
        assertThat(port.path("PublishedPort").asInt()).isEqualTo(30123);
        assertThat(ServiceSpecs.publishedPort(SwarmEngine.JSON.createObjectNode().set("Spec", mesh))).isEqualTo(30123);

        JsonNode host = new ServiceSpecs(0, true, Duration.ofSeconds(5)).spec(AGENT, AGENT.image(), 1, 30123, null, null, true);
        assertThat(host.path("EndpointSpec").path("Mode").asText()).isEqualTo("dnsrr");
        assertThat(host.path("EndpointSpec").path("Ports").get(0).path("PublishMode").asText()).isEqualTo("host");
        assertThat(host.path("TaskTemplate").path("Placement").path("MaxReplicas").asInt()).isEqualTo(1);
    }

    @Test
    void volumesPinTheAgentToTheirNode_andANetworkGivesItItsNameThere() {
        ContainerSpec withVolume = new ContainerSpec("jules-agent-alpha", AGENT.image(), "alpha", "dep-1", 8080, Map.of(),
                AGENT.limits(), Map.of("data", "/data"), "team");
        JsonNode spec = new ServiceSpecs(0, false, Duration.ofSeconds(5)).spec(withVolume, AGENT.image(), 1, 30123, "net-id", "node-7", false);
        assertThat(spec.path("TaskTemplate").path("Placement").path("Constraints").toString()).isEqualTo("[\"node.id==node-7\"]");
        assertThat(spec.path("Labels").path(ServiceSpecs.VOLUME_NODE).asText()).isEqualTo("node-7");
        JsonNode mount = spec.path("TaskTemplate").path("ContainerSpec").path("Mounts").get(0);
        assertThat(mount.path("Type").asText()).isEqualTo("volume");
        assertThat(mount.path("Target").asText()).isEqualTo("/data");
        JsonNode network = spec.path("TaskTemplate").path("Networks").get(0);
        assertThat(network.path("Target").asText()).isEqualTo("net-id");
        assertThat(network.path("Aliases").toString()).isEqualTo("[\"alpha\"]");
        assertThat(spec.path("Labels").path(Labels.NETWORK).asText()).isEqualTo("team");
    }
}
