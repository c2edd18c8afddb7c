package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.testing.TestRoutes;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Deploy jobs whose queue only keeps what it is given: the tests play the workers. */
final class CapturedJobs {

    record Job(String id, JsonNode body) {
    }

    private final TestRoutes env;
    private final List<Job> sent = new CopyOnWriteArrayList<>();
    final DeployJobs jobs;
    final DeployLock lock;

    CapturedJobs(TestRoutes env) {
        this(env, Duration.ofMinutes(5), Duration.ofSeconds(60));
    }

    /** With the queued and running leases given: short ones let a test see them run out. */
    CapturedJobs(TestRoutes env, Duration queuedFor, Duration lease) {
        this.env = env;
        DeploymentRecords records = new DeploymentRecords(env.store);
        this.lock = new DeployLock(records, queuedFor, lease, Clock.systemUTC());
        this.jobs = new DeployJobs(env.routes.deploy(), env.routes.parser(), records, lock,
                new dev.vmroutes.docker.AgentContainers(env.routes.docker(), env.routes.config().engine().publishAddress()),
                Duration.ofMinutes(5), Clock.systemUTC(), j -> new DeployJobs.Queue() {
                    @Override
                    public void send(String id, com.fasterxml.jackson.databind.node.ObjectNode carried) {
                        sent.add(new Job(id, carried));
                    }

                    @Override
                    public int maxMessageBytes() {
                        return dev.vmroutes.app.SqsDeployQueue.MAX_MESSAGE_BYTES;
                    }
                });
    }

    /** Submits as the deploy route does and returns the job it queued; the agent's containers are removed after the class. */
    Job submit(ObjectNode body) {
        env.removeAfterwards(body.get("agent_name").asText());
        String id = jobs.submit(env.routes.parser().parse(body), body).deploymentId();
        return sent.stream().filter(j -> j.id().equals(id)).findFirst().orElseThrow();
    }
}
