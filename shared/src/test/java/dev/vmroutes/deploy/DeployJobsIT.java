package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Deploys handed to a worker: the route's part (lock, queued record), the worker's (claim, run,
 * answer, unlock), waiting on the record, and a job delivered twice or to two workers at once.
 * The queue here only keeps what it is given; the test plays the workers.
 */
class DeployJobsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @Test
    void aJob_isQueuedUnderTheAgentsLock_runOnce_andItsAnswerIsOnTheRecord() throws Exception {
        CapturedJobs captured = new CapturedJobs(env);
        DeployJobs jobs = captured.jobs;
        CapturedJobs.Job job = captured.submit(env.body("queued-agent"));
        assertThat(env.store.get(job.id()).orElseThrow().status()).isEqualTo("queued");
        assertThat(jobs.await(job.id(), Duration.ofMillis(300))).as("nothing runs it yet").isEmpty();
        VmException locked = catchThrowableOfType(VmException.class, () -> captured.submit(env.body("queued-agent")));
        assertThat(locked.kind()).isEqualTo(VmException.Kind.CONFLICT);
        assertThat(locked.detail()).contains(job.id());

        // Delivered twice at once: one worker claims it, the other finds it claimed.
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> jobs.run(job.id(), job.body()), Thread::startVirtualThread);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> jobs.run(job.id(), job.body()), Thread::startVirtualThread);
        CompletableFuture.allOf(first, second).join();
        JsonNode result = JSON.readTree(jobs.await(job.id(), Duration.ofSeconds(5)).orElseThrow());
        assertThat(result.get("deployment_id").asText()).isEqualTo(job.id());
        assertThat(result.get("status").asText()).isEqualTo("running");
        assertThat(env.agentContainers("queued-agent")).hasSize(1);

        // Redelivered after it ran: nothing happens.
        long version = env.store.get(job.id()).orElseThrow().version();
        jobs.run(job.id(), job.body());
        assertThat(env.store.get(job.id()).orElseThrow().version()).isEqualTo(version);
        assertThat(env.agentContainers("queued-agent")).hasSize(1);
        // The worker freed the agent.
        CapturedJobs.Job next = captured.submit(env.body("queued-agent").put("force", true));
        jobs.run(next.id(), next.body());
        assertThat(jobs.await(next.id(), Duration.ofSeconds(5))).isPresent();
    }

    @Test
    void aJobThatFails_answersItsFailure_andTheRecordSaysWhereAndWhy() {
        CapturedJobs captured = new CapturedJobs(env);
        DeployJobs jobs = captured.jobs;
        CapturedJobs.Job job = captured.submit(env.body("failing-job").put("branch", "nowhere"));
        jobs.run(job.id(), job.body());
        VmException e = catchThrowableOfType(VmException.class, () -> jobs.await(job.id(), Duration.ofSeconds(5)));
        assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
        assertThat(e.detail()).startsWith("deployment_failed: clone: ").contains("branch 'nowhere' not found");
        Deployment record = env.store.get(job.id()).orElseThrow();
        assertThat(record.status()).isEqualTo("failed");
        assertThat(record.failurePhase()).isEqualTo("clone");
    }

    @Test
    void whileAJobRuns_theWaitEndsAtItsBudget_andTheRecordShowsItsPhase() throws Exception {
        CapturedJobs captured = new CapturedJobs(env);
        DeployJobs jobs = captured.jobs;
        String agent = "slow-job";
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", "import time\ntime.sleep(3)\n" + AgentRepo.HTTP_AGENT));
        env.git.serve(agent, repo.repository());
        CapturedJobs.Job job = captured.submit(env.body(agent).put("repo_url", env.git.url(agent)));
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> jobs.run(job.id(), job.body()), Thread::startVirtualThread);
        long start = System.nanoTime();
        assertThat(jobs.await(job.id(), Duration.ofSeconds(1))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(Deployment.IN_PROGRESS).contains(env.store.get(job.id()).orElseThrow().status());
        worker.join();
        assertThat(JSON.readTree(jobs.await(job.id(), Duration.ofSeconds(1)).orElseThrow()).get("ready").asBoolean()).isTrue();
    }

    @Test
    void aRequestWhoseMessageWouldNotFit_is413NamingTheField_andNothingIsMade() {
        CapturedJobs captured = new CapturedJobs(env);
        String agent = "too-large";
        var body = env.body(agent);
        var environment = body.putObject("environment");
        for (int i = 0; i < 60; i++) environment.put("VALUE_" + i, "x".repeat(10_000));
        VmException e = catchThrowableOfType(VmException.class, () -> captured.submit(body));
        assertThat(e.kind()).isEqualTo(VmException.Kind.TOO_LARGE);
        assertThat(e.detail()).startsWith("environment: ").contains("262144");
        assertThat(env.allRecords()).noneMatch(d -> agent.equals(d.agentName()));
        assertThat(env.store.readLock(agent)).isEmpty();
    }

    @Test
    void aBuildFailingWithAHugeLine_endsFailedWithACappedDetail() throws Exception {
        CapturedJobs captured = new CapturedJobs(env);
        String agent = "huge-error";
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", "print('x')\n",
                "requirements.txt", "y" + "=".repeat(3) + "z".repeat(250_000) + "\n"));
        env.git.serve(agent, repo.repository());
        CapturedJobs.Job job = captured.submit(env.body(agent).put("repo_url", env.git.url(agent)));
        jobsRun(captured, job);
        Deployment record = env.store.get(job.id()).orElseThrow();
        assertThat(record.status()).isEqualTo("failed");
        assertThat(record.failurePhase()).isEqualTo("build");
        assertThat(record.failureReason().length()).isLessThanOrEqualTo(dev.vmroutes.store.FailureDetails.CHARS + 10);
        assertThat(record.failureReason().lines()).allSatisfy(line -> assertThat(line.length())
                .isLessThanOrEqualTo(dev.vmroutes.store.FailureDetails.LINE_CHARS + 30));
        assertThat(record.answerBody().length()).isLessThanOrEqualTo(dev.vmroutes.store.FailureDetails.CHARS + 10);
    }

    private static void jobsRun(CapturedJobs captured, CapturedJobs.Job job) {
        captured.jobs.run(job.id(), job.body());
    }

    @Test
    void anUnchangedDeploy_isAnsweredBeforeAnythingIsQueuedOrRecorded() throws Exception {
        CapturedJobs captured = new CapturedJobs(env);
        String agent = "unchanged-fast";
        CapturedJobs.Job first = captured.submit(env.body(agent));
        captured.jobs.run(first.id(), first.body());
        JsonNode running = JSON.readTree(captured.jobs.await(first.id(), Duration.ofSeconds(5)).orElseThrow());
        int records = env.store.findByAgent(agent, 100).size();

        var again = env.routes.parser().parse(env.body(agent));
        JsonNode answer = JSON.readTree(captured.jobs.answerIfUnchanged(again).orElseThrow());
        assertThat(answer.get("unchanged").asBoolean()).isTrue();
        assertThat(answer.get("container_id").asText()).isEqualTo(running.get("container_id").asText());
        assertThat(answer.get("deployment_id").asText()).isEqualTo(first.id());
        assertThat(env.store.findByAgent(agent, 100)).as("nothing recorded").hasSize(records);
        assertThat(env.store.readLock(agent)).as("nothing locked").isEmpty();

        var changed = env.body(agent);
        changed.putObject("environment").put("MODE", "other");
        assertThat(captured.jobs.answerIfUnchanged(env.routes.parser().parse(changed))).as("another environment").isEmpty();
        assertThat(captured.jobs.answerIfUnchanged(env.routes.parser().parse(env.body(agent).put("force", true)))).isEmpty();
        CapturedJobs.Job underWay = captured.submit(env.body(agent).put("force", true));
        assertThat(captured.jobs.answerIfUnchanged(again)).as("a deploy of the agent is under way").isEmpty();
        captured.jobs.run(underWay.id(), underWay.body());
    }
}
