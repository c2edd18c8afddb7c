package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.LogsRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.RollbackRequest;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An agent's life on the real engine: its logs, replace on redeploy, unchanged redeploys, rollback, metrics. */
class LifecycleIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** An agent that answers its version on every path, after {@code startDelay} seconds of starting up. */
    static String versionAgent(String version, double startDelay) {
        return AgentRepo.answering("b'" + version + "'", "time.sleep(" + startDelay + ")", "print('serving " + version + "', flush=True)");
    }

    static AgentRepo repo(String name, String mainPy) throws Exception {
        AgentRepo repo = AgentRepo.create(env.dir, name, Map.of("main.py", mainPy));
        env.git.serve(name, repo.repository());
        return repo;
    }

    static ObjectNode body(String repo, String agent) {
        return TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url(repo)).put("agent_name", agent)
                .put("auth_token", env.token);
    }

    static String get(Results.Deployed d) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.ports().get("8080/tcp") + "/"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static List<String> names(List<Container> containers) {
        return containers.stream().map(c -> c.getNames()[0].substring(1)).toList();
    }

    @Test
    void logs_ofAnAgentThatCrashed_holdItsLastLines_alsoOnceStopped() throws Exception {
        // The engine stamps each stream as it reads it: a pause keeps the two lines' order certain.
        repo("crash", String.join("\n", "import sys, time",
                "print('starting up', flush=True)",
                "time.sleep(0.3)",
                "print('config missing: cannot go on', file=sys.stderr, flush=True)",
                "sys.exit(3)", ""));
        Results.Deployed d = env.deploy(body("crash", "crasher"));
        assertThat(d.status()).isEqualTo("exited");
        assertThat(d.exitCode()).isEqualTo(3);
        assertThat(d.ready()).isFalse();

        Results.Logs logs = env.routes.agents().logs().read(LogsRequest.parse(d.containerName(), null, null));
        assertThat(logs.lines()).extracting(Results.LogLine::stream, Results.LogLine::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("stdout", "starting up"),
                        org.assertj.core.groups.Tuple.tuple("stderr", "config missing: cannot go on"));
        assertThat(logs.lines()).allSatisfy(l -> assertThat(l.time()).isBefore(Instant.now()));
        assertThat(env.routes.agents().logs().read(LogsRequest.parse(d.containerName(), "1", null)).lines())
                .extracting(Results.LogLine::text).containsExactly("config missing: cannot go on");
        assertThat(env.routes.agents().logs().read(LogsRequest.parse(d.containerName(), null,
                Instant.now().plusSeconds(60).toString())).lines()).isEmpty();

        env.stop(TestRoutes.JSON.createObjectNode().put("container_name", d.containerName()).put("remove", false));
        assertThat(env.routes.agents().logs().read(LogsRequest.parse(d.containerName(), null, null)).lines()).hasSize(2);

        assertThatThrownBy(() -> LogsRequest.parse(d.containerName(), "5001", null)).hasMessageStartingWith("tail:");
        assertThatThrownBy(() -> LogsRequest.parse(d.containerName(), null, "yesterday")).hasMessageStartingWith("since:");
        assertThatThrownBy(() -> env.routes.agents().logs().read(LogsRequest.parse("jules-agent-nobody-1", null, null)))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.kind()).isEqualTo(VmException.Kind.NOT_FOUND));
    }

    @Test
    void redeploy_replacesTheRunningVersionOnceTheNewOneIsReady_andKeepsItWhenTheNewOneFails() throws Exception {
        String agent = "replaced";
        AgentRepo repo = repo("versions", versionAgent("v1", 0));
        Results.Deployed v1 = env.deploy(body("versions", agent));
        assertThat(v1.ready()).isTrue();
        assertThat(v1.replaced()).isEmpty();
        assertThat(get(v1)).isEqualTo("v1");

        repo.commit(Map.of("main.py", versionAgent("v2", 1.5)));
        CompletableFuture<Results.Deployed> deploying = CompletableFuture.supplyAsync(() -> env.deploy(body("versions", agent)));
        List<Instant> v1Answered = new ArrayList<>();
        List<Instant> v1Failed = new ArrayList<>();
        while (!deploying.isDone()) {
            try {
                assertThat(get(v1)).isEqualTo("v1");
                v1Answered.add(Instant.now());
            } catch (java.io.IOException e) {
                v1Failed.add(Instant.now());
            }
            Thread.sleep(20);
        }
        Results.Deployed v2 = deploying.join();
        assertThat(v2.replaced()).containsExactly(v1.containerName());
        assertThat(get(v2)).isEqualTo("v2");
        Results.Phase ready = phase(v2, "ready");
        Results.Phase replace = phase(v2, "replace");
        assertThat(v1Answered).as("v1 answered while v2 started").anyMatch(t -> t.isAfter(ready.startedAt()) && t.isBefore(ready.endedAt()));
        assertThat(v1Failed).as("v1 stopped answering only once it was being replaced").allMatch(t -> !t.isBefore(replace.startedAt()));
        assertThat(names(env.agentContainers(agent))).containsExactly(v2.containerName());
        assertThat(env.store.get(v1.deploymentId()).orElseThrow())
                .extracting(Deployment::status, Deployment::replacedBy).containsExactly("replaced", v2.deploymentId());

        repo.commit(Map.of("main.py", "import sys\nprint('v3 cannot start: no API key', file=sys.stderr, flush=True)\nsys.exit(1)\n"));
        assertThatThrownBy(() -> env.deploy(body("versions", agent)))
                .isInstanceOfSatisfying(VmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
                    assertThat(e.detail()).startsWith("deployment_failed: ready: ").contains("v3 cannot start: no API key")
                            .contains(v2.containerName() + " kept running");
                });
        assertThat(names(env.agentContainers(agent))).containsExactly(v2.containerName());
        assertThat(get(v2)).isEqualTo("v2");
        assertThat(env.metricLines).anyMatch(l -> l.contains("\"Operation\":\"replace\"") && l.contains("\"Agent\":\"" + agent + "\"")
                && l.contains("\"Outcome\":\"ready\"") && l.contains("\"replace_duration\""));
        assertThat(env.metricLines).anyMatch(l -> l.contains("\"Operation\":\"deploy\"") && l.contains("\"Outcome\":\"failed\""));
    }

    @Test
    void redeploy_ofTheSameCommitAndSettings_leavesTheRunningContainerAlone_unlessForced() throws Exception {
        String agent = "idempotent";
        repo("same", versionAgent("same", 0));
        ObjectNode request = body("same", agent);
        request.putObject("environment").put("GREETING", "hi");
        Results.Deployed first = env.deploy(request);
        long records = env.allRecords().size();

        Results.Deployed again = env.deploy(request);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.containerId()).isEqualTo(first.containerId());
        assertThat(again.deploymentId()).isEqualTo(first.deploymentId());
        assertThat(again.replaced()).isEmpty();
        assertThat(names(env.agentContainers(agent))).containsExactly(first.containerName());
        assertThat(env.allRecords()).hasSize((int) records);

        ObjectNode otherEnvironment = request.deepCopy();
        ((ObjectNode) otherEnvironment.get("environment")).put("GREETING", "hello");
        Results.Deployed changed = env.deploy(otherEnvironment);
        assertThat(changed.unchanged()).isNull();
        assertThat(changed.imageReused()).isTrue();
        assertThat(changed.replaced()).containsExactly(first.containerName());

        Results.Deployed forced = env.deploy(otherEnvironment.deepCopy().put("force", true));
        assertThat(forced.unchanged()).isNull();
        assertThat(forced.replaced()).containsExactly(changed.containerName());
        assertThat(env.metricLines).anyMatch(l -> l.contains("\"Outcome\":\"unchanged\"") && l.contains("\"Agent\":\"" + agent + "\""));
    }

    @Test
    void rollback_runsThePreviousImageAgain_withoutGit_andTheEnvironmentOfWhatItReplaces() throws Exception {
        String agent = "rolled-back";
        AgentRepo repo = repo("rollback", versionAgent("v1", 0));
        ObjectNode request = body("rollback", agent);
        request.putObject("environment").put("MODE", "production");
        Results.Deployed v1 = env.deploy(request);
        repo.commit(Map.of("main.py", versionAgent("v2", 0)));
        Results.Deployed v2 = env.deploy(request);
        assertThat(get(v2)).isEqualTo("v2");

        int gitRequests = env.git.gitRequests();
        Results.Deployed back = env.routes.rollback().rollback(RollbackRequest.parse(TestRoutes.JSON.createObjectNode().put("agent_name", agent)));
        assertThat(env.git.gitRequests()).as("a rollback asks Git nothing").isEqualTo(gitRequests);
        assertThat(back.rollbackOf()).isEqualTo(v1.deploymentId());
        assertThat(back.image()).isEqualTo(v1.image());
        assertThat(back.commitSha()).isEqualTo(v1.commitSha());
        assertThat(back.replaced()).containsExactly(v2.containerName());
        assertThat(get(back)).isEqualTo("v1");
        assertThat(names(env.agentContainers(agent))).containsExactly(back.containerName());
        assertThat(env.docker.inspectContainerCmd(back.containerId()).exec().getConfig().getEnv()).contains("MODE=production");
        assertThat(env.metricLines).anyMatch(l -> l.contains("\"Operation\":\"replace\"") && l.contains("\"Agent\":\"" + agent + "\"")
                && l.contains("\"start_duration\""));

        // Back to v2 by its id, with an environment of its own.
        JsonNode named = TestRoutes.JSON.createObjectNode().put("agent_name", agent).put("deployment_id", v2.deploymentId())
                .set("environment", TestRoutes.JSON.createObjectNode().put("MODE", "canary"));
        Results.Deployed forward = env.routes.rollback().rollback(RollbackRequest.parse(named));
        assertThat(get(forward)).isEqualTo("v2");
        assertThat(env.docker.inspectContainerCmd(forward.containerId()).exec().getConfig().getEnv()).contains("MODE=canary");

        assertThatThrownBy(() -> env.routes.rollback().rollback(RollbackRequest.parse(
                TestRoutes.JSON.createObjectNode().put("agent_name", "never-deployed"))))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.kind()).isEqualTo(VmException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> RollbackRequest.parse(TestRoutes.JSON.createObjectNode().put("agent_name", agent).put("deployment_id", "x")))
                .hasMessageStartingWith("deployment_id:");
    }

    @Test
    void rollback_toAnImageThatIsGone_is409() throws Exception {
        String agent = "image-gone";
        AgentRepo repo = repo("gone", versionAgent("g1", 0));
        Results.Deployed g1 = env.deploy(body("gone", agent));
        repo.commit(Map.of("main.py", versionAgent("g2", 0)));
        env.deploy(body("gone", agent));
        env.docker.removeImageCmd(g1.image()).exec();
        assertThatThrownBy(() -> env.routes.rollback().rollback(RollbackRequest.parse(TestRoutes.JSON.createObjectNode().put("agent_name", agent))))
                .isInstanceOfSatisfying(VmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VmException.Kind.CONFLICT);
                    assertThat(e.detail()).contains(g1.deploymentId());
                });
    }

    static Results.Phase phase(Results.Deployed d, String name) {
        return d.phases().stream().filter(p -> p.phase().equals(name)).findFirst().orElseThrow();
    }
}
