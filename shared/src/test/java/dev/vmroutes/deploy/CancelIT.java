package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import dev.vmroutes.testing.TricklingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
    static final TestRoutes env = new TestRoutes().with("VM_BUILD_NETWORK", "host");

    record Job(String id, JsonNode body) {
    }

    static final List<Job> sent = new CopyOnWriteArrayList<>();

    static DeployJobs jobs() {
        return new DeployJobs(env.routes.deploy(), env.routes.parser(), new DeploymentRecords(env.store), Duration.ofMinutes(5),
                Clock.systemUTC(), j -> (id, body) -> sent.add(new Job(id, body)));
    }

    static Job submit(DeployJobs jobs, ObjectNode body) {
        env.removeAfterwards(body.get("agent_name").asText());
        String id = jobs.submit(env.routes.parser().parse(body), body).deploymentId();
        return sent.stream().filter(j -> j.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aQueuedDeploy_cancelled_neverRuns_andFreesItsAgent() {
        DeployJobs jobs = jobs();
        Job job = submit(jobs, env.body("cancelled-in-queue"));
        assertThat(jobs.cancel(job.id()).status()).isEqualTo("cancelled");
        jobs.run(job.id(), job.body());
        assertThat(env.store.get(job.id()).orElseThrow().status()).isEqualTo("cancelled");
        assertThat(env.agentContainers("cancelled-in-queue")).isEmpty();
        VmException answer = catchThrowableOfType(VmException.class, () -> jobs.await(job.id(), Duration.ofSeconds(1)));
        assertThat(answer.kind()).isEqualTo(VmException.Kind.CONFLICT);
        Job next = submit(jobs, env.body("cancelled-in-queue"));
        assertThat(jobs.cancel(next.id()).status()).isEqualTo("cancelled");
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
            DeployJobs jobs = jobs();
            Job job = submit(jobs, env.body(agent).put("repo_url", env.git.url(agent)));
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
        DeployJobs jobs = jobs();
        Job job = submit(jobs, env.body("already-ran"));
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
