package dev.vmroutes.agents;

import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A deployment as its record tells it, while it runs and after; an agent's deployments newest first. */
class DeploymentViewIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    static ReadDeployments deployments() {
        return env.routes.agents().deployments();
    }

    @Test
    void aDeploy_showsThePhaseItIsIn_andThenWhatRan() throws Exception {
        String agent = "watched";
        // Listens only after four seconds: the deploy waits for it, long enough to be seen waiting.
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", "import time\ntime.sleep(4)\n" + AgentRepo.HTTP_AGENT));
        env.git.serve(agent, repo.repository());
        CompletableFuture<Results.Deployed> deploying = CompletableFuture.supplyAsync(
                () -> env.deploy(env.body(agent).put("repo_url", env.git.url(agent))), Thread::startVirtualThread);
        Set<String> seen = new HashSet<>();
        Results.Deployment during = null;
        while (!deploying.isDone()) {
            List<Results.Deployment> mine = deployments().history(agent, 1).deployments();
            if (!mine.isEmpty()) {
                seen.add(mine.get(0).status());
                if ("waiting_ready".equals(mine.get(0).status())) during = mine.get(0);
            }
            Thread.sleep(50);
        }
        assertThat(seen).contains("waiting_ready");
        Results.PhaseTime open = during.phases().get(during.phases().size() - 1);
        assertThat(open.phase()).isEqualTo("ready");
        assertThat(open.endedAt()).isNull();

        Results.Deployed deployed = deploying.join();
        Results.Deployment done = deployments().get(deployed.deploymentId());
        assertThat(done.status()).isEqualTo("running");
        assertThat(done.phases()).extracting(Results.PhaseTime::phase).contains("clone", "build", "start", "ready", "record");
        assertThat(done.phases()).allSatisfy(p -> assertThat(p.endedAt()).isNotNull().isAfterOrEqualTo(p.startedAt()));
        assertThat(done.commitSha()).isEqualTo(deployed.commitSha());
        assertThat(done.image()).isEqualTo(deployed.image());
        assertThat(done.imageReused()).isFalse();
        assertThat(done.containerName()).isEqualTo(deployed.containerName());
        assertThat(done.containerId()).isEqualTo(deployed.containerId());
        assertThat(done.ports()).isEqualTo(deployed.ports());
        assertThat(done.readyAt()).isNotNull();

        // The build's output, and paging on from where it ended.
        Results.BuildOutput output = deployments().log(deployed.deploymentId(), 0);
        assertThat(output.log()).contains("Step 1/", "FROM python:3.11-slim", "Successfully built");
        assertThat(output.complete()).isTrue();
        assertThat(output.nextOffset()).isEqualTo(output.log().length());
        Results.BuildOutput rest = deployments().log(deployed.deploymentId(), output.nextOffset());
        assertThat(rest.log()).isEmpty();
        assertThat(rest.nextOffset()).isEqualTo(output.nextOffset());
        assertThat(deployments().log(deployed.deploymentId(), 10).log()).isEqualTo(output.log().substring(10));
    }

    @Test
    void aBuildThatFails_keepsItsFailingLinesInItsLog() throws Exception {
        String agent = "bad-requirements";
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", "print('never')\n",
                "requirements.txt", "this is not a requirement!!\n"));
        env.git.serve(agent, repo.repository());
        VmException e = catchThrowableOfType(VmException.class, () -> env.deploy(env.body(agent).put("repo_url", env.git.url(agent))));
        assertThat(e.detail()).startsWith("deployment_failed: build: ");
        String id = deployments().history(agent, 1).deployments().get(0).deploymentId();
        Results.BuildOutput output = deployments().log(id, 0);
        assertThat(output.log()).contains("pip", "install").containsIgnoringCase("invalid requirement");
        assertThat(output.complete()).isTrue();
    }

    @Test
    void history_isNewestFirst_limited_andAFailureSaysWhereAndWhy() {
        String agent = "historic";
        Results.Deployed first = env.deploy(env.body(agent));
        Results.Deployed second = env.deploy(env.body(agent).put("force", true));
        VmException failed = catchThrowableOfType(VmException.class, () -> env.deploy(env.body(agent).put("branch", "gone")));
        assertThat(failed.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);

        List<Results.Deployment> all = deployments().history(agent, 10).deployments();
        assertThat(all).hasSize(3);
        assertThat(all.get(0).status()).isEqualTo("failed");
        assertThat(all.get(0).failurePhase()).isEqualTo("clone");
        assertThat(all.get(0).detail()).contains("branch 'gone' not found");
        assertThat(all.subList(1, 3)).extracting(Results.Deployment::deploymentId)
                .containsExactly(second.deploymentId(), first.deploymentId());
        assertThat(all.get(1).imageReused()).isTrue();
        assertThat(deployments().history(agent, 2).deployments()).hasSize(2);
        assertThat(deployments().history("nobody-here", 5).deployments()).isEmpty();
    }

    @Test
    void anUnknownDeployment_isNotFound() {
        VmException e = catchThrowableOfType(VmException.class, () -> deployments().get("00000000-0000-0000-0000-000000000000"));
        assertThat(e.kind()).isEqualTo(VmException.Kind.NOT_FOUND);
    }
}
