package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.PackageIndex;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real build step: the agent's requirements.txt names a package that pip downloads and installs
 * from a package index on loopback (VM_PIP_INDEX_URL, reached through the build's host network).
 * The index is slow, so the deploy outlasts a short budget: the wait ends empty (the route's 202),
 * the record walks through its phases to running, and the log holds pip's output.
 */
class PipIndexIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final PackageIndex index = start();

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_BUILD_NETWORK", "host").with("VM_ALLOW_HOST_BUILD_NETWORK", "true").with("VM_PIP_INDEX_URL", index.url());

    static PackageIndex start() {
        try {
            return new PackageIndex(3_000);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void aDeployThatInstallsRequirements_outlastsTheBudget_andWalksThroughItsPhasesToRunning() throws Exception {
        String agent = "with-requirements";
        String main = "import greeting\nprint(greeting.hello(), flush=True)\n" + AgentRepo.HTTP_AGENT;
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", main, "requirements.txt", PackageIndex.PACKAGE + "==1.0\n"));
        env.git.serve(agent, repo.repository());
        ObjectNode body = env.body(agent).put("repo_url", env.git.url(agent));
        env.removeAfterwards(agent);

        DeployJobs.Accepted accepted = env.routes.jobs().submit(env.routes.parser().parse(body), body);
        assertThat(env.routes.jobs().await(accepted.deploymentId(), Duration.ofSeconds(2))).as("past the budget").isEmpty();
        Set<String> statuses = new LinkedHashSet<>();
        Results.Deployment seen;
        long until = System.nanoTime() + 180_000_000_000L;
        do {
            seen = env.routes.agents().deployments().get(accepted.deploymentId());
            statuses.add(seen.status());
            Thread.sleep(100);
        } while (Deployment.IN_PROGRESS.contains(seen.status()) && System.nanoTime() < until);
        assertThat(seen.status()).isEqualTo("running");
        // The poll sees the long phase; a short one (an agent ready in milliseconds) may pass between two looks,
        // and the record's phases say it ran, in order.
        assertThat(statuses).contains("building");
        assertThat(List.copyOf(statuses).indexOf("building")).isLessThan(List.copyOf(statuses).indexOf("running"));
        assertThat(seen.phases()).extracting(Results.PhaseTime::phase).containsSubsequence("build", "start", "ready");
        assertThat(index.wheelsServed()).isPositive();

        String log = env.routes.agents().deployments().log(accepted.deploymentId(), 0).log();
        assertThat(log).contains("pip", "Successfully installed " + PackageIndex.PACKAGE + "-" + PackageIndex.VERSION);
        JsonNode answer = JSON.readTree(env.routes.jobs().await(accepted.deploymentId(), Duration.ofSeconds(1)).orElseThrow());
        assertThat(answer.get("ready").asBoolean()).isTrue();
        // The index was the build's only: not in the image's environment.
        var image = env.docker.inspectImageCmd(answer.get("image").asText()).exec();
        assertThat(String.join(" ", image.getConfig().getEnv())).doesNotContain("PIP_INDEX_URL").doesNotContain(index.url());
    }

    @Test
    void aBatchOfFiveBuildsPastTheBudget_answersEachDeploymentId_andEachReachesItsEnd() throws Exception {
        String main = "import greeting\nprint(greeting.hello(), flush=True)\n" + AgentRepo.HTTP_AGENT;
        com.fasterxml.jackson.databind.node.ObjectNode batch = JSON.createObjectNode();
        var items = batch.putArray("deployments");
        // Requirements of their own, so no build reuses another's (or an earlier run's) installed layer:
        // each install waits on the slow index, and the fifth still waits for a slot once the budget ends.
        long run = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            String agent = "batch-pip-" + i;
            AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", main + "# " + i + "\n",
                    "requirements.txt", PackageIndex.PACKAGE + "==1.0\n# " + run + "-" + i + "\n"));
            env.git.serve(agent, repo.repository());
            items.add(env.body(agent).put("repo_url", env.git.url(agent)));
            env.removeAfterwards(agent);
        }
        List<dev.vmroutes.batch.Batches.Outcome> outcomes = env.routes.batches()
                .deploy(dev.vmroutes.api.BatchRequests.deploys(batch, env.routes.parser()), Duration.ofSeconds(2));
        assertThat(outcomes).extracting(dev.vmroutes.batch.Batches.Outcome::index).containsExactly(0, 1, 2, 3, 4);
        List<String> ids = outcomes.stream().map(o -> {
            assertThat(o.failure()).as("item " + o.index()).isNull();
            assertThat(o.result()).as("still under way past the budget").isInstanceOf(DeployJobs.Accepted.class);
            return ((DeployJobs.Accepted) o.result()).deploymentId();
        }).toList();
        assertThat(ids).doesNotHaveDuplicates();

        // At most four build at once: the fifth says it waits for a slot.
        Set<String> details = new LinkedHashSet<>();
        long until = System.nanoTime() + 300_000_000_000L;
        while (ids.stream().anyMatch(id -> Deployment.IN_PROGRESS.contains(env.routes.agents().deployments().get(id).status()))
                && System.nanoTime() < until) {
            for (String id : ids) {
                Results.Deployment d = env.routes.agents().deployments().get(id);
                if ("queued".equals(d.status()) && d.detail() != null) details.add(d.detail());
            }
            Thread.sleep(200);
        }
        for (String id : ids) {
            assertThat(env.routes.agents().deployments().get(id).status()).as(id).isEqualTo("running");
        }
        assertThat(details).anySatisfy(d -> assertThat(d).contains("waiting for a build slot"));
    }
}
