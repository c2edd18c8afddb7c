package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Simultaneous calls on one agent, on the real engine: one deploy at a time, and a stop that meets a deploy wins. */
class ConcurrencyIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @Test
    void fiveSimultaneousDeploysOfOneAgent_oneRuns_fourAre409NamingIt() throws Exception {
        String agent = "crowded";
        env.deploy(env.body("crowded-warm-up")); // the image exists: the winner is quick, the race is on the lock
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Results.Deployed>> calls = new ArrayList<>();
        var threads = Executors.newFixedThreadPool(5);
        for (int i = 0; i < 5; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return env.deploy(env.body(agent).put("force", true));
            }, threads));
        }
        threads.shutdown();
        go.countDown();
        List<Results.Deployed> won = new ArrayList<>();
        List<VmException> refused = new ArrayList<>();
        for (var call : calls) {
            try {
                won.add(call.get());
            } catch (ExecutionException e) {
                refused.add((VmException) e.getCause());
            }
        }
        assertThat(won).hasSize(1);
        assertThat(refused).hasSize(4).allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.CONFLICT);
            assertThat(e.detail()).contains("deployment " + won.get(0).deploymentId());
        });
        List<Container> containers = env.agentContainers(agent);
        assertThat(containers).singleElement().satisfies(c ->
                assertThat(c.getLabels()).containsEntry("jules.deployment", won.get(0).deploymentId()));
        assertThat(env.store.findByAgent(agent, 100)).extracting(Deployment::id).containsExactly(won.get(0).deploymentId());
        // The lock went with the deploy: the next one runs.
        assertThat(env.deploy(env.body(agent).put("force", true)).replaced()).containsExactly(won.get(0).containerName());
    }

    @Test
    void aStopWhileTheDeployWaitsForReadiness_wins_theDeployIs409_andNothingRuns() throws Exception {
        AgentRepo repo = AgentRepo.create(env.dir, "slow", Map.of("main.py", LifecycleIT.versionAgent("slow", 4)));
        env.git.serve("slow", repo.repository());
        for (boolean remove : new boolean[]{true, false}) {
            String agent = remove ? "stopped-removed" : "stopped-kept";
            ObjectNode body = TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url("slow")).put("agent_name", agent)
                    .put("auth_token", env.token);
            CompletableFuture<Results.Deployed> deploying = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    deploying.complete(env.deploy(body));
                } catch (RuntimeException e) {
                    deploying.completeExceptionally(e);
                }
            });
            String name = awaitRunningContainer(agent);
            env.stop(TestRoutes.JSON.createObjectNode().put("container_name", name).put("remove", remove));

            ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class, deploying::get);
            assertThat(e).as("the deploy must not answer 200").isNotNull();
            assertThat(e.getCause()).isInstanceOfSatisfying(VmException.class, vm -> {
                assertThat(vm.kind()).isEqualTo(VmException.Kind.CONFLICT);
                assertThat(vm.detail()).contains("by a stop request");
            });
            List<Container> left = env.agentContainers(agent);
            assertThat(left).noneMatch(c -> "running".equals(c.getState()));
            assertThat(left).hasSize(remove ? 0 : 1);
            assertThat(env.store.findByAgent(agent, 100)).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(remove ? "removed" : "stopped"));
        }
    }

    static String awaitRunningContainer(String agent) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Container c : env.agentContainers(agent)) {
                if ("running".equals(c.getState())) return c.getNames()[0].substring(1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no running container for " + agent);
    }
}
