package dev.vmroutes.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.BatchRequests;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Batch deploys and stops on the real engine: validated as a whole, each item's outcome its own, in order. */
class BatchIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @Test
    void batchDeploy_ofFive_withOneMissingRepository_runsTheFourAndReportsTheCloneFailure_inOrder() {
        ObjectNode body = TestRoutes.JSON.createObjectNode();
        ArrayNode items = body.putArray("deployments");
        for (int i = 0; i < 5; i++) {
            ObjectNode item = env.body("batch-" + i);
            if (i == 2) item.put("repo_url", env.git.url("no-such-repository"));
            items.add(item);
            env.removeAfterwards("batch-" + i);
        }
        List<Batches.Outcome> outcomes = env.routes.batches().deploy(BatchRequests.deploys(body, env.routes.parser()),
                Duration.ofMinutes(3));

        assertThat(outcomes).extracting(Batches.Outcome::index).containsExactly(0, 1, 2, 3, 4);
        for (Batches.Outcome o : outcomes) {
            if (o.index() == 2) {
                assertThat(o.failure()).isInstanceOfSatisfying(VmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
                    assertThat(e.detail()).startsWith("deployment_failed: clone: ");
                });
                assertThat(env.agentContainers("batch-2")).isEmpty();
            } else {
                assertThat(o.failure()).as("item " + o.index()).isNull();
                JsonNode d = (JsonNode) o.result();
                assertThat(d.get("status").asText()).isEqualTo("running");
                assertThat(d.get("container_name").asText()).startsWith("jules-agent-batch-" + o.index() + "-");
            }
        }
    }

    @Test
    void batchDeploy_withOneInvalidItem_is400NamingItsIndexAndField_andCreatesNothing() {
        ObjectNode body = TestRoutes.JSON.createObjectNode();
        ArrayNode items = body.putArray("deployments");
        items.add(env.body("never-1"));
        items.add(env.body("never-2").put("expose_port", 70000));
        items.add(env.body("never-3"));
        assertThatThrownBy(() -> BatchRequests.deploys(body, env.routes.parser()))
                .isInstanceOfSatisfying(VmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VmException.Kind.INVALID);
                    assertThat(e.detail()).startsWith("deployments[1].expose_port: ");
                });
        ObjectNode twice = TestRoutes.JSON.createObjectNode();
        twice.putArray("deployments").add(env.body("never-1")).add(env.body("never-1"));
        assertThatThrownBy(() -> BatchRequests.deploys(twice, env.routes.parser()))
                .hasMessageStartingWith("deployments[1].agent_name: ");
        ObjectNode tooMany = TestRoutes.JSON.createObjectNode();
        ArrayNode many = tooMany.putArray("deployments");
        for (int i = 0; i < 21; i++) many.add(env.body("never-" + i));
        assertThatThrownBy(() -> BatchRequests.deploys(tooMany, env.routes.parser())).hasMessageStartingWith("deployments: ");
        for (String agent : List.of("never-1", "never-2", "never-3")) assertThat(env.agentContainers(agent)).isEmpty();
        assertThat(env.allRecords()).noneMatch(d -> d.agentName().startsWith("never-"));
    }

    @Test
    void batchStop_ofTen_withTwoUnknown_stopsTheEight_andReportsTheTwo() {
        ObjectNode body = TestRoutes.JSON.createObjectNode();
        ArrayNode items = body.putArray("containers");
        for (int i = 0; i < 10; i++) {
            String name = "jules-agent-stopped-" + i + "-" + System.nanoTime();
            if (i % 5 != 3) {
                String id = env.docker.createContainerCmd("python:3.11-slim").withName(name)
                        .withLabels(Map.of("jules.managed", "true", "jules.agent", "stopped-" + i))
                        .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withInit(true))
                        .withCmd("python", "-c", "import time; time.sleep(300)").exec().getId();
                env.docker.startContainerCmd(id).exec();
                env.removeAfterwards("stopped-" + i);
            }
            items.add(TestRoutes.JSON.createObjectNode().put("container_name", name));
        }
        List<Batches.Outcome> outcomes = env.routes.batches().stop(BatchRequests.stops(body));
        assertThat(outcomes).hasSize(10);
        for (Batches.Outcome o : outcomes) {
            if (o.index() % 5 == 3) {
                assertThat(o.failure()).isInstanceOfSatisfying(VmException.class,
                        e -> assertThat(e.kind()).isEqualTo(VmException.Kind.NOT_FOUND));
            } else {
                assertThat(o.failure()).as("item " + o.index()).isNull();
                assertThat(((Results.Stopped) o.result()).removed()).isTrue();
                assertThat(env.agentContainers("stopped-" + o.index())).isEmpty();
            }
        }
    }
}
