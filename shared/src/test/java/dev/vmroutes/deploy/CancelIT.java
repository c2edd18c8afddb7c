package dev.vmroutes.deploy;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import dev.vmroutes.testing.TricklingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Cancelling deploys: a queued one is never run; one in its build has the build stopped on the
 * engine, and nothing it made is left; one that has run cannot be. Isolated: it compares the
 * engine's containers and images before and after.
 */
@Isolated
class CancelIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_BUILD_NETWORK", "host").with("VM_ALLOW_HOST_BUILD_NETWORK", "true");

    @Test
    void aQueuedDeploy_cancelled_neverRuns_andFreesItsAgent() {
        CapturedJobs captured = new CapturedJobs(env);
        DeployJobs jobs = captured.jobs;
        CapturedJobs.Job job = captured.submit(env.body("cancelled-in-queue"));
        assertThat(jobs.cancel(job.id()).status()).isEqualTo("cancelled");
        jobs.run(job.id(), job.body());
        assertThat(env.store.get(job.id()).orElseThrow().status()).isEqualTo("cancelled");
        assertThat(env.agentContainers("cancelled-in-queue")).isEmpty();
        VmException answer = catchThrowableOfType(VmException.class, () -> jobs.await(job.id(), Duration.ofSeconds(1)));
        assertThat(answer.kind()).isEqualTo(VmException.Kind.CONFLICT);
        CapturedJobs.Job next = captured.submit(env.body("cancelled-in-queue"));
        assertThat(jobs.cancel(next.id()).status()).isEqualTo("cancelled");
        // A sweep leaves deployments that never had a container as they are.
        env.routes.agents().sweep().sweep();
        assertThat(env.store.get(next.id()).orElseThrow().status()).isEqualTo("cancelled");
    }

    @Test
    void aDeployInItsBuild_cancelled_hasItsBuildStopped_andLeavesNothing() throws Exception {
        try (TricklingServer index = new TricklingServer()) {
            String agent = "cancelled-in-build";
            AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", AgentRepo.HTTP_AGENT,
                    "requirements.txt", "--index-url " + index.url("/simple/") + "\nslow-package\n"));
            env.git.serve(agent, repo.repository());
            Set<String> containersBefore = containerIds();
            Set<String> danglingBefore = danglingImages();
            CapturedJobs captured = new CapturedJobs(env);
            DeployJobs jobs = captured.jobs;
            CapturedJobs.Job job = captured.submit(env.body(agent).put("repo_url", env.git.url(agent)));
            CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> jobs.run(job.id(), job.body()), Thread::startVirtualThread);
            DeadlinesIT.awaitTrue(() -> index.accepted() > 0, "pip reaching the index");
            assertThat(env.store.get(job.id()).orElseThrow().status()).isEqualTo("building");

            Deployment cancelled = jobs.cancel(job.id());
            assertThat(cancelled.status()).isEqualTo("cancelled");
            worker.join();
            VmException answer = catchThrowableOfType(VmException.class, () -> jobs.await(job.id(), Duration.ofSeconds(1)));
            assertThat(answer.detail()).isEqualTo("deployment " + job.id() + " was cancelled");
            DeadlinesIT.awaitClosed(index);
            DeadlinesIT.awaitTrue(() -> containerIds().equals(containersBefore), "containers left by the build");
            DeadlinesIT.awaitTrue(() -> danglingImages().equals(danglingBefore), "layers left by the build");
        }
    }

    @Test
    void aDeployThatRan_cannotBeCancelled() {
        CapturedJobs captured = new CapturedJobs(env);
        DeployJobs jobs = captured.jobs;
        CapturedJobs.Job job = captured.submit(env.body("already-ran"));
        jobs.run(job.id(), job.body());
        VmException e = catchThrowableOfType(VmException.class, () -> jobs.cancel(job.id()));
        assertThat(e.kind()).isEqualTo(VmException.Kind.CONFLICT);
        assertThat(e.detail()).contains("is running");
        VmException unknown = catchThrowableOfType(VmException.class, () -> jobs.cancel("00000000-0000-0000-0000-000000000000"));
        assertThat(unknown.kind()).isEqualTo(VmException.Kind.NOT_FOUND);
    }

    static Set<String> containerIds() {
        return env.docker.listContainersCmd().withShowAll(true).exec().stream().map(Container::getId).collect(Collectors.toSet());
    }

    static Set<String> danglingImages() {
        return env.docker.listImagesCmd().withDanglingFilter(true).exec().stream().map(Image::getId).collect(Collectors.toSet());
    }
}
