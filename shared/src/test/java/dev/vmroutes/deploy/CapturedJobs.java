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

    CapturedJobs(TestRoutes env) {
        this.env = env;
        this.jobs = new DeployJobs(env.routes.deploy(), env.routes.parser(), new DeploymentRecords(env.store), Duration.ofMinutes(5),
                Clock.systemUTC(), j -> (id, body) -> sent.add(new Job(id, body)));
    }

    /** Submits as the deploy route does and returns the job it queued; the agent's containers are removed after the class. */
    Job submit(ObjectNode body) {
        env.removeAfterwards(body.get("agent_name").asText());
        String id = jobs.submit(env.routes.parser().parse(body), body).deploymentId();
        return sent.stream().filter(j -> j.id().equals(id)).findFirst().orElseThrow();
    }
}
