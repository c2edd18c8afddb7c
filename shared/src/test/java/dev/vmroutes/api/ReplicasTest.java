package dev.vmroutes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContainerLimits CEILING = new ContainerLimits(512L << 20, 1_000_000_000L, 256);

    private static DeployRequestParser parser(int maxReplicas) {
        return new DeployRequestParser(new RepoUrlPolicy(Set.of("git.example"), host -> new InetAddress[] {InetAddress.getLoopbackAddress()}),
                null, CEILING, new SecretReferences(null, null), maxReplicas);
    }

    private static ObjectNode body() {
        return JSON.createObjectNode().put("repo_url", "https://git.example/team/agent.git").put("agent_name", "agent");
    }

    @Test
    void oneTaskByDefault() {
        assertThat(parser(10).parse(body()).replicas()).isEqualTo(1);
        assertThat(parser(1).parse(body()).replicas()).isEqualTo(1);
    }

    @Test
    void aSwarmRunsUpToItsMaximum() {
        assertThat(parser(10).parse(body().put("replicas", 3)).replicas()).isEqualTo(3);
        assertThatThrownBy(() -> parser(10).parse(body().put("replicas", 11)))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.getMessage()).contains("replicas").contains("1 to 10"));
        assertThatThrownBy(() -> parser(10).parse(body().put("replicas", 0)))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.getMessage()).contains("replicas"));
        assertThatThrownBy(() -> parser(10).parse(body().put("replicas", "2")))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.getMessage()).contains("replicas"));
    }

    @Test
    void aSingleEngineRunsOneContainerPerAgent() {
        assertThatThrownBy(() -> parser(1).parse(body().put("replicas", 2)))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.getMessage()).contains("replicas").contains("Swarm"));
        assertThat(parser(1).parse(body().put("replicas", 1)).replicas()).isEqualTo(1);
    }
}
