package dev.vmroutes.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.RollbackRequest;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An agent's volumes and networks on the real engine. */
class VolumesNetworksIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    /** Appends its version to /data/versions.txt when it starts, and answers with the whole file. */
    static String notesAgent(String version) {
        return AgentRepo.answering("open('/data/versions.txt', 'rb').read()",
                "with open('/data/versions.txt', 'a') as f:", "    f.write('" + version + "\\n')");
    }

    static String get(Results.Deployed d) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.ports().get("8080/tcp") + "/"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void volume_keepsWhatTheAgentWrote_acrossARedeployAndARollback_untilRemoved() throws Exception {
        String agent = "notes";
        AgentRepo repo = AgentRepo.create(env.dir, "notes", Map.of("main.py", notesAgent("v1")));
        env.git.serve("notes", repo.repository());
        ObjectNode body = TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url("notes")).put("agent_name", agent)
                .put("auth_token", env.token);
        ObjectNode withVolume = body.deepCopy();
        withVolume.putObject("volumes").put("data", "/data");
        Results.Deployed v1 = env.deploy(withVolume);
        assertThat(get(v1)).isEqualTo("v1\n");

        repo.commit(Map.of("main.py", notesAgent("v2")));
        Results.Deployed v2 = env.deploy(body); // no volumes named: the agent's carry over
        assertThat(get(v2)).isEqualTo("v1\nv2\n");
        assertThat(env.list()).filteredOn(r -> r.containerName().equals(v2.containerName()))
                .singleElement().satisfies(r -> assertThat(r.volumes()).isEqualTo(Map.of("data", "/data")));
        assertThat(env.store.get(v2.deploymentId()).orElseThrow().settings().volumes()).isEqualTo(Map.of("data", "/data"));

        Results.Deployed back = env.routes.rollback().rollback(RollbackRequest.parse(TestRoutes.JSON.createObjectNode().put("agent_name", agent)));
        assertThat(get(back)).isEqualTo("v1\nv2\nv1\n");

        Results.Stopped stopped = env.stop(TestRoutes.JSON.createObjectNode().put("container_name", back.containerName())
                .put("remove", true).put("remove_volumes", true));
        assertThat(stopped.volumesRemoved()).containsExactly(AgentVolumes.dockerName("notes", "data"));
        assertThatThrownBy(() -> env.docker.inspectVolumeCmd(AgentVolumes.dockerName("notes", "data")).exec())
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aVolumeWrittenByAnAgentRunAsRoot_isGivenToItsOwnUser_whenItNextRunsAsThatUser() throws Exception {
        String agent = "rooted";
        removeVolume(agent, "data");
        AgentRepo repo = AgentRepo.create(env.dir, "rooted", Map.of("main.py", notesAgent("as-root")));
        env.git.serve("rooted", repo.repository());
        ObjectNode body = TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url("rooted")).put("agent_name", agent)
                .put("auth_token", env.token).put("run_as_root", true);
        body.putObject("volumes").put("data", "/data");
        assertThat(get(env.deploy(body))).isEqualTo("as-root\n");

        repo.commit(Map.of("main.py", notesAgent("as-agent")));
        Results.Deployed asAgent = env.deploy(body.put("run_as_root", false));
        assertThat(asAgent.ready()).isTrue();
        assertThat(get(asAgent)).as("the agent's own user appended to the file root wrote").isEqualTo("as-root\nas-agent\n");

        repo.commit(Map.of("main.py", notesAgent("as-root-again")));
        Results.Deployed again = env.deploy(body.put("run_as_root", true));
        assertThat(get(again)).as("root without capabilities appended to the file the agent's user wrote")
                .isEqualTo("as-root\nas-agent\nas-root-again\n");
        env.stop(TestRoutes.JSON.createObjectNode().put("container_name", again.containerName()).put("remove", true)
                .put("remove_volumes", true));
    }

    @Test
    void aVolumeOfTheOlderNaming_staysTheAgents_withItsData() throws Exception {
        String agent = "legacy";
        String legacy = "jules-legacy-data";
        try {
            env.docker.removeVolumeCmd(legacy).exec();
        } catch (NotFoundException none) {
            // not left from an earlier run
        }
        env.docker.createVolumeCmd().withName(legacy).withLabels(Map.of("jules.managed", "true", "jules.agent", agent)).exec();
        String seeder = env.docker.createContainerCmd("python:3.11-slim").withCmd("sh", "-c", "echo old > /data/versions.txt")
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("none")
                        .withBinds(new com.github.dockerjava.api.model.Bind(legacy, new com.github.dockerjava.api.model.Volume("/data"))))
                .exec().getId();
        env.docker.startContainerCmd(seeder).exec();
        env.docker.waitContainerCmd(seeder).start().awaitStatusCode(30, TimeUnit.SECONDS);
        env.docker.removeContainerCmd(seeder).exec();

        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", notesAgent("new")));
        env.git.serve(agent, repo.repository());
        ObjectNode body = TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url(agent)).put("agent_name", agent)
                .put("auth_token", env.token);
        body.putObject("volumes").put("data", "/data");
        Results.Deployed d = env.deploy(body);
        assertThat(get(d)).isEqualTo("old\nnew\n");
        assertThat(env.list()).filteredOn(r -> r.containerName().equals(d.containerName()))
                .singleElement().satisfies(r -> assertThat(r.volumes()).isEqualTo(Map.of("data", "/data")));
        Results.Stopped stopped = env.stop(TestRoutes.JSON.createObjectNode().put("container_name", d.containerName())
                .put("remove", true).put("remove_volumes", true));
        assertThat(stopped.volumesRemoved()).containsExactly(legacy);
    }

    static void removeVolume(String agent, String name) {
        try {
            env.docker.removeVolumeCmd(AgentVolumes.dockerName(agent, name)).exec();
        } catch (NotFoundException none) {
            // not left from an earlier run
        }
    }

    @Test
    void volumeNames_ofDifferentAgents_neverCollide() throws Exception {
        removeVolume("rt", "weird-data");
        removeVolume("rt-weird", "data");
        ObjectNode rt = env.body("rt");
        rt.putObject("volumes").put("weird-data", "/data");
        ObjectNode rtWeird = env.body("rt-weird");
        rtWeird.putObject("volumes").put("data", "/data");
        Results.Deployed a = env.deploy(rt);
        Results.Deployed b = env.deploy(rtWeird);

        assertThat(a.ready()).isTrue();
        assertThat(b.ready()).isTrue();
        assertThat(AgentVolumes.dockerName("rt", "weird-data")).isNotEqualTo(AgentVolumes.dockerName("rt-weird", "data"));
        assertThat(env.docker.inspectVolumeCmd(AgentVolumes.dockerName("rt-weird", "data")).exec().getLabels())
                .containsEntry("jules.agent", "rt-weird").containsEntry("jules.volume", "data");
        assertThat(env.list()).filteredOn(r -> r.containerName().equals(b.containerName()))
                .singleElement().satisfies(r -> assertThat(r.volumes()).isEqualTo(Map.of("data", "/data")));
        for (Results.Deployed d : java.util.List.of(a, b)) {
            env.stop(TestRoutes.JSON.createObjectNode().put("container_name", d.containerName()).put("remove", true)
                    .put("remove_volumes", true));
        }
    }

    @Test
    void volumes_thatAreHostPathsOtherAgentsOrSystemDirectories_are400_andCreateNothing() {
        String agent = "greedy";
        Map<String, String> refused = Map.of("/var/lib/docker", "/data", "jules-notes-data", "/data", "etc", "/etc",
                "proc", "/proc/self", "app", "/app", "relative", "data", "up", "/data/../etc");
        refused.forEach((name, path) -> {
            ObjectNode body = env.body(agent);
            body.putObject("volumes").put(name, path);
            assertThatThrownBy(() -> env.deploy(body)).as(name + " -> " + path)
                    .isInstanceOfSatisfying(VmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(VmException.Kind.INVALID);
                        assertThat(e.detail()).startsWith("volumes");
                    });
        });
        assertThat(env.agentContainers(agent)).isEmpty();
        assertThat(env.docker.listVolumesCmd().withFilter("label", java.util.List.of("jules.agent=" + agent)).exec().getVolumes())
                .isNullOrEmpty();
        assertThat(env.allRecords()).noneMatch(d -> agent.equals(d.agentName()));
    }

    @Test
    void agentsOnOneNetwork_reachEachOtherByName_andNoOneElseReachesThem() throws Exception {
        Results.Deployed a = env.deploy(env.body("team-a").put("network", "team"));
        Results.Deployed b = env.deploy(env.body("team-b").put("network", "team"));
        Results.Deployed outsider = env.deploy(env.body("outsider").put("network", "other"));
        Results.Deployed loner = env.deploy(env.body("loner"));
        Results.Deployed loner2 = env.deploy(env.body("loner-2"));
        String bAddress = env.docker.inspectContainerCmd(b.containerId()).exec().getNetworkSettings().getNetworks()
                .get("jules-net-team").getIpAddress();
        String loner2Address = env.docker.inspectContainerCmd(loner2.containerId()).exec().getNetworkSettings().getNetworks()
                .get("jules-isolated").getIpAddress();

        assertThat(fetch(a, "http://team-b:8080/health")).startsWith("200 ");
        assertThat(fetch(outsider, "http://team-b:8080/health")).startsWith("error").containsPattern("resolution|not known");
        assertThat(fetch(loner, "http://team-b:8080/health")).startsWith("error").containsPattern("resolution|not known");
        assertThat(fetch(outsider, "http://" + bAddress + ":8080/health")).startsWith("error");
        assertThat(fetch(loner, "http://" + bAddress + ":8080/health")).startsWith("error");
        assertThat(fetch(loner, "http://" + loner2Address + ":8080/health")).as("agents without a network share none").startsWith("error");
        assertThat(env.list()).filteredOn(r -> r.containerName().equals(a.containerName()))
                .singleElement().satisfies(r -> assertThat(r.network()).isEqualTo("team"));

        env.stop(TestRoutes.JSON.createObjectNode().put("container_name", a.containerName()));
        assertThat(env.docker.inspectNetworkCmd().withNetworkId("jules-net-team").exec()).isNotNull();
        env.stop(TestRoutes.JSON.createObjectNode().put("container_name", b.containerName()));
        assertThatThrownBy(() -> env.docker.inspectNetworkCmd().withNetworkId("jules-net-team").exec())
                .as("the network goes with its last agent").isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> env.deploy(env.body("bad-net").put("network", "../host")))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.detail()).startsWith("network: "));
    }

    /** Runs a GET from inside the agent's container: "200 <body>", or "error <reason>". */
    static String fetch(Results.Deployed from, String url) throws Exception {
        String script = String.join("\n",
                "import sys, urllib.request",
                "try:",
                "    r = urllib.request.urlopen(sys.argv[1], timeout=2)",
                "    print(r.status, r.read().decode())",
                "except Exception as e:",
                "    print('error', type(e).__name__, e)");
        String exec = env.docker.execCreateCmd(from.containerId()).withCmd("python", "-c", script, url)
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder out = new StringBuilder();
        env.docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                out.append(new String(frame.getPayload()));
            }
        }).awaitCompletion(15, TimeUnit.SECONDS);
        return out.toString().strip();
    }
}
