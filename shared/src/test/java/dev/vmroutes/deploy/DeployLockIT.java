package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentStore;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The deploy lock under the failures a queue brings: a job that waited past its lease while
 * another deploy took the agent, a deploy that runs longer than one lease, and a deploy whose lease
 * was taken over before it could replace (fencing). The test plays the workers.
 */
class DeployLockIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @Test
    void aJobDeliveredAfterItsLeaseRanOutAndAnotherDeployTookTheAgent_endsFailed_andTouchesNothing() throws Exception {
        CapturedJobs captured = new CapturedJobs(env, Duration.ofSeconds(1), Duration.ofSeconds(60));
        String agent = "late-job";
        CapturedJobs.Job late = captured.submit(env.body(agent));
        Thread.sleep(2_100); // its queued lease (1 s) runs out while the message waits
        // The newer deploy waits its usual time: however slow the machine, its lease holds while the late job comes.
        CapturedJobs.Job newer = new CapturedJobs(env).submit(env.body(agent));

        captured.jobs.run(late.id(), late.body());
        Deployment ended = env.store.get(late.id()).orElseThrow();
        assertThat(ended.status()).isEqualTo("failed");
        assertThat(ended.failurePhase()).isEqualTo("queue");
        assertThat(ended.failureReason()).contains(newer.id()).contains("ran nothing");
        assertThat(env.agentContainers(agent)).as("the late job made nothing").isEmpty();
        assertThat(env.store.readLock(agent).orElseThrow().holder()).as("the newer deploy keeps the agent").isEqualTo(newer.id());

        captured.jobs.run(newer.id(), newer.body());
        JsonNode result = JSON.readTree(captured.jobs.await(newer.id(), Duration.ofSeconds(5)).orElseThrow());
        assertThat(result.get("status").asText()).isEqualTo("running");
        assertThat(env.agentContainers(agent)).hasSize(1);
    }

    @Test
    void aDeployLongerThanItsLease_keepsRenewingIt_andFinishes() throws Exception {
        CapturedJobs captured = new CapturedJobs(env, Duration.ofMinutes(5), Duration.ofSeconds(3));
        String agent = "long-deploy";
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", "import time\ntime.sleep(7)\n" + AgentRepo.HTTP_AGENT));
        env.git.serve(agent, repo.repository());
        CapturedJobs.Job job = captured.submit(env.body(agent).put("repo_url", env.git.url(agent)));
        Set<Instant> leases = new ConcurrentSkipListSet<>();
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> captured.jobs.run(job.id(), job.body()), Thread::startVirtualThread);
        while (!worker.isDone()) {
            env.store.readLock(agent).filter(l -> l.holder().equals(job.id())).map(DeploymentStore.Lock::expiresAt).ifPresent(leases::add);
            Thread.sleep(200);
        }
        worker.join();
        JsonNode result = JSON.readTree(captured.jobs.await(job.id(), Duration.ofSeconds(5)).orElseThrow());
        assertThat(result.get("ready").asBoolean()).isTrue();
        assertThat(leases).as("the lease was renewed while the deploy ran longer than one lease").hasSizeGreaterThanOrEqualTo(3);
        assertThat(env.store.readLock(agent)).as("released at the end").isEmpty();
    }

    @Test
    void aDeployWhoseLeaseWasTakenOver_cannotReplace_andTheRunningVersionKeepsServing() throws Exception {
        CapturedJobs captured = new CapturedJobs(env, Duration.ofMinutes(5), Duration.ofSeconds(60));
        String agent = "fenced";
        env.git.serve(agent, AgentRepo.httpAgent(env.dir, agent).repository());
        CapturedJobs.Job v1 = captured.submit(env.body(agent).put("repo_url", env.git.url(agent)));
        captured.jobs.run(v1.id(), v1.body());
        JsonNode first = JSON.readTree(captured.jobs.await(v1.id(), Duration.ofSeconds(5)).orElseThrow());
        int port = first.get("ports").get("8080/tcp").asInt();

        AgentRepo slow = AgentRepo.create(env.dir, agent + "-v2", Map.of("main.py", "import time\ntime.sleep(3)\n" + AgentRepo.HTTP_AGENT));
        env.git.serve(agent + "-v2", slow.repository());
        CapturedJobs.Job v2 = captured.submit(env.body(agent).put("repo_url", env.git.url(agent + "-v2")));
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> captured.jobs.run(v2.id(), v2.body()), Thread::startVirtualThread);
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!"waiting_ready".equals(env.store.get(v2.id()).orElseThrow().status())) {
            assertThat(System.nanoTime()).as("v2 reaches waiting_ready").isLessThan(until);
            Thread.sleep(50);
        }
        // Another process takes the agent over, as one would once v2's lease had run out unseen.
        assertThat(env.store.lockAgent(agent, "intruder", Instant.now().plusSeconds(60), Instant.now().plusSeconds(3600))).isEmpty();
        worker.join();

        VmException e = catchThrowableOfType(VmException.class, () -> captured.jobs.await(v2.id(), Duration.ofSeconds(5)));
        assertThat(e.detail()).contains("lost agent " + agent + "'s deploy lock").contains("intruder");
        assertThat(env.store.get(v2.id()).orElseThrow().status()).isEqualTo("failed");
        assertThat(env.agentContainers(agent)).extracting(Container::getId).as("v1 only: v2's container is removed")
                .containsExactly(first.get("container_id").asText());
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("v1 still answers").isEqualTo(200);
        assertThat(env.store.get(v1.id()).orElseThrow().status()).isEqualTo("running");
        env.store.unlockAgent(agent, "intruder");
    }
}
