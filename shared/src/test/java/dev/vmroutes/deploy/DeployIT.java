package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.ImageScan;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deploys against the real engine (mutual TLS), real Git servers with real auth, and dynalite. */
class DeployIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static final String TOKEN = env.token;
    static final ObjectMapper JSON = new ObjectMapper()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .findAndRegisterModules();

    static ObjectNode body(String repoUrl, String agent) {
        ObjectNode body = JSON.createObjectNode();
        body.put("repo_url", repoUrl);
        body.put("agent_name", agent);
        return body;
    }

    static ObjectNode tokenBody(String agent) {
        return body(env.git.url("agent"), agent).put("auth_token", TOKEN);
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void deploy_fromTokenProtectedServer_runsWithLabelsEnvAndMappedPort() throws Exception {
        String agent = "token-agent";
        try {
            ObjectNode body = tokenBody(agent);
            body.putObject("environment").put("GREETING", "hello from env");
            Results.Deployed deployed = env.deploy(body);

            assertThat(deployed.status()).isEqualTo("running");
            assertThat(deployed.containerName()).matches("jules-agent-token-agent-\\d+");
            assertThat(deployed.commitSha()).isEqualTo(env.agentRepo.head());
            int hostPort = deployed.ports().get("8080/tcp");
            HttpResponse<String> health = get(hostPort, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("greeting").asText()).isEqualTo("hello from env");

            InspectContainerResponse container = env.docker.inspectContainerCmd(deployed.containerId()).exec();
            assertThat(container.getConfig().getLabels())
                    .containsEntry("jules.managed", "true")
                    .containsEntry("jules.agent", agent)
                    .containsEntry("jules.deployment", deployed.deploymentId());
            assertThat(container.getConfig().getEnv()).contains("GREETING=hello from env");
            assertThat(container.getHostConfig().getPortBindings().getBindings().values().iterator().next()[0].getHostIp())
                    .isEqualTo("127.0.0.1");

            Deployment record = env.store.get(deployed.deploymentId()).orElseThrow();
            assertThat(record.status()).isEqualTo("running");
            assertThat(record.commitSha()).isEqualTo(env.agentRepo.head());
            assertThat(record.image()).isEqualTo(deployed.image());
            assertThat(record.ports()).containsEntry("8080/tcp", hostPort);
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    @Test
    void deploy_image_holdsNoGitDirectoryNoTokenAndNoEnvironment() throws Exception {
        String agent = "leak-check";
        try {
            ObjectNode body = tokenBody(agent);
            body.putObject("environment").put("SECRET_SETTING", "env-only-value");
            Results.Deployed deployed = env.deploy(body);

            assertThat(ImageScan.filesAreClean(env.docker, deployed.image(), List.of(TOKEN, "env-only-value")))
                    .as("image filesystem holds .git, the token or an environment value").isTrue();

            var image = env.docker.inspectImageCmd(deployed.image()).exec();
            assertThat(JSON.writeValueAsString(image)).doesNotContain(TOKEN).doesNotContain("env-only-value");
            String history = ImageScan.history(deployed.image());
            assertThat(history).contains("HEALTHCHECK").doesNotContain(TOKEN).doesNotContain("env-only-value");
            var container = env.docker.inspectContainerCmd(deployed.containerId()).exec();
            assertThat(JSON.writeValueAsString(container)).doesNotContain(TOKEN);
            assertThat(JSON.writeValueAsString(env.store.get(deployed.deploymentId()).orElseThrow())).doesNotContain(TOKEN);
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    @Test
    void deploy_fromSshServerWithKey_runsAndAnswers() throws Exception {
        String agent = "ssh-agent";
        try {
            ObjectNode body = body(env.sshGit.url(), agent).put("ssh_key_path", "deploy_key");
            Results.Deployed deployed = env.deploy(body);
            assertThat(deployed.status()).isEqualTo("running");
            assertThat(deployed.commitSha()).isEqualTo(env.agentRepo.head());
            assertThat(get(deployed.ports().get("8080/tcp"), "/health").statusCode()).isEqualTo(200);
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    @Test
    void deploy_sshWithoutTheKey_failsInClone() {
        String agent = "ssh-nokey";
        assertDeployFails(body(env.sshGit.url(), agent), "clone", agent);
    }

    @Test
    void redeploy_unchangedCommitAndSettings_reusesTheImage() throws Exception {
        String agent = "redeploy";
        try {
            Results.Deployed first = env.deploy(tokenBody(agent));
            Results.Deployed second = env.deploy(tokenBody(agent).put("force", true));
            assertThat(second.imageReused()).isTrue();
            assertThat(second.image()).isEqualTo(first.image());
            assertThat(second.containerName()).isNotEqualTo(first.containerName());
            assertThat(second.replaced()).containsExactly(first.containerName());
            ObjectNode changed = tokenBody(agent).put("expose_port", 9090).put("replace", false);
            changed.putArray("startup_cmd").add("python").add("-c").add("import time; time.sleep(60)");
            Results.Deployed otherPort = env.deploy(changed);
            assertThat(otherPort.imageReused()).isFalse();
            assertThat(otherPort.image()).isNotEqualTo(first.image());
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    @Test
    void deploy_wrongToken_is502InCloneAndLeavesNothing() {
        String agent = "wrong-token";
        ObjectNode body = body(env.git.url("agent"), agent).put("auth_token", "not-the-token-123");
        VmException e = assertDeployFails(body, "clone", agent);
        assertThat(e.detail()).doesNotContain("not-the-token-123");
    }

    @Test
    void deploy_missingBranch_is502InClone() {
        String agent = "no-branch";
        VmException e = assertDeployFails(tokenBody(agent).put("branch", "does-not-exist"), "clone", agent);
        assertThat(e.detail()).contains("does-not-exist");
    }

    @Test
    void deploy_startCommandThatDoesNotExist_is502InStartAndLeavesNoContainer() {
        String agent = "bad-cmd";
        ObjectNode body = tokenBody(agent);
        body.putArray("startup_cmd").add("/no/such/program");
        VmException e = assertDeployFails(body, "start", agent);
        assertThat(e.detail()).contains("/no/such/program");
    }

    @Test
    void deploy_specExampleBody_reportsTheContainerThatRanAndExited() {
        String agent = "black-demo";
        try {
            ObjectNode body = body(env.git.url("agent"), agent).put("auth_token", TOKEN);
            body.putArray("startup_cmd").add("python").add("-c").add("print(\"ok\")");
            Results.Deployed deployed = env.deploy(body);
            assertThat(deployed.status()).isEqualTo("exited");
            assertThat(deployed.exitCode()).isZero();
            String logs = logs(deployed.containerId());
            assertThat(logs).contains("ok");
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    @Test
    void deploy_buildContext_isTheCommitAsGitHoldsIt() throws Exception {
        String agent = "fidelity";
        String lister = String.join("\n", "import os",
                "for root, dirs, files in sorted(os.walk('/app')):",
                "    for f in sorted(files):",
                "        print(os.path.join(root, f))",
                "print(open('/app/back\\\\slash.txt').read())", "");
        AgentRepo repo = AgentRepo.create(env.dir, "fidelity", Map.of("main.py", lister, "back\\slash.txt", "kept as one name",
                "deep/er/file.txt", "nested", "Dockerfile", "FROM scratch", ".dockerignore", "*\n"));
        env.git.serve("fidelity", repo.repository());
        Results.Deployed d = env.deploy(body(env.git.url("fidelity"), agent).put("auth_token", TOKEN));
        assertThat(d.status()).isEqualTo("exited");
        String out = logs(d.containerId());
        // The repository's own Dockerfile and .dockerignore are files like any other: neither builds nor filters the image.
        assertThat(out).contains("/app/back\\slash.txt", "/app/deep/er/file.txt", "/app/main.py", "kept as one name",
                        "/app/Dockerfile", "/app/.dockerignore")
                .doesNotContain("/app/back/slash.txt").doesNotContain("/app/.git").doesNotContain("/app/src/");
    }

    @Test
    void deploy_runsAsAnUnprivilegedUser_writingTmpAndItsNewVolumes_unlessRootIsAsked() throws Exception {
        // The root file system is read-only, /app (the code as built) included: /tmp and volumes are where an agent writes.
        String writer = String.join("\n", "import os",
                "open('/tmp/written', 'w').write('tmp')",
                "open('/data/written', 'w').write('volume')",
                "try:",
                "    open('/app/written', 'w')",
                "except OSError as e:",
                "    print('app', e.strerror)",
                "print('uid', os.getuid(), 'wrote both')", "");
        AgentRepo repo = AgentRepo.create(env.dir, "writer", Map.of("main.py", writer));
        env.git.serve("writer", repo.repository());
        ObjectNode body = body(env.git.url("writer"), "unprivileged").put("auth_token", TOKEN);
        body.putObject("volumes").put("data", "/data");
        Results.Deployed d = env.deploy(body);
        assertThat(d.exitCode()).as(logs(d.containerId())).isZero();
        assertThat(logs(d.containerId())).contains("uid 10001 wrote both").contains("app Read-only file system");
        env.stop(JSON.createObjectNode().put("container_name", d.containerName()).put("remove", true).put("remove_volumes", true));

        ObjectNode asRoot = body(env.git.url("writer"), "as-root").put("auth_token", TOKEN).put("run_as_root", true);
        asRoot.putObject("volumes").put("data", "/data");
        Results.Deployed root = env.deploy(asRoot);
        assertThat(logs(root.containerId())).contains("uid 0 wrote both").contains("app Read-only file system");
        env.stop(JSON.createObjectNode().put("container_name", root.containerName()).put("remove", true).put("remove_volumes", true));
    }

    @Test
    void deploy_ofAnotherRepositoryClaimingTheSameCommit_neverGetsItsImage() {
        // The same commits under a second URL: its server claims the commit the first repository's image was built from.
        env.git.serve("twin", env.agentRepo.repository());
        Results.Deployed original = env.deploy(tokenBody("original-owner"));
        Results.Deployed twin = env.deploy(body(env.git.url("twin"), "twin-owner").put("auth_token", TOKEN));
        assertThat(twin.commitSha()).isEqualTo(original.commitSha());
        assertThat(twin.imageReused()).isFalse();
        assertThat(identity(twin.image())).isNotEqualTo(identity(original.image()));
        env.stop(JSON.createObjectNode().put("container_name", original.containerName()).put("remove", true));
        env.stop(JSON.createObjectNode().put("container_name", twin.containerName()).put("remove", true));
    }

    /** The repository, commit and settings part of an image tag ({@code vm-routes-agent:<identity>-<agent>}). */
    private static String identity(String image) {
        String tag = image.substring(image.indexOf(':') + 1);
        return tag.substring(0, tag.indexOf('-'));
    }

    @Test
    void deploy_container_isHardened() {
        String agent = "hardened";
        try {
            Results.Deployed deployed = env.deploy(tokenBody(agent));
            var host = env.docker.inspectContainerCmd(deployed.containerId()).exec().getHostConfig();
            assertThat(host.getPrivileged()).isFalse();
            assertThat(host.getSecurityOpts()).contains("no-new-privileges:true");
            assertThat(host.getCapDrop()).contains(Capability.ALL);
            assertThat(host.getMemory()).isEqualTo(512L * 1024 * 1024);
            assertThat(host.getNanoCPUs()).isEqualTo(1_000_000_000L);
            assertThat(host.getPidsLimit()).isEqualTo(256L);
            assertThat(host.getBinds()).isNullOrEmpty();
            assertThat(env.docker.inspectContainerCmd(deployed.containerId()).exec().getNetworkSettings().getNetworks())
                    .containsOnlyKeys("jules-isolated");
            assertThat(host.getReadonlyRootfs()).isTrue();
            assertThat(host.getTmpFs()).containsEntry("/tmp", "rw,nosuid,nodev,size=" + (1L << 30));
            assertThat(host.getInit()).isTrue();
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    @Test
    void deploy_requestedLimits_lowerTheCeilingForThatContainer() {
        String agent = "small";
        try {
            ObjectNode body = tokenBody(agent).put("memory_mb", 128).put("cpus", 0.5).put("pids_limit", 64);
            Results.Deployed deployed = env.deploy(body);
            var host = env.docker.inspectContainerCmd(deployed.containerId()).exec().getHostConfig();
            assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
            assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
            assertThat(host.getPidsLimit()).isEqualTo(64L);
        } finally {
            env.removeAgentContainers(agent);
        }
    }

    private static String logs(String containerId) {
        StringBuilder out = new StringBuilder();
        try {
            env.docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame frame) {
                            out.append(new String(frame.getPayload()));
                        }
                    }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return out.toString();
    }

    static VmException assertDeployFails(JsonNode body, String phase, String agent) {
        return assertDeployFails(env, body, phase, agent);
    }

    /** The deploy fails in {@code phase} with a 502, leaves no container, and its record says so without the token. */
    static VmException assertDeployFails(TestRoutes env, JsonNode body, String phase, String agent) {
        int recordsBefore = env.allRecords().size();
        VmException e = (VmException) org.assertj.core.api.Assertions.catchThrowable(() -> env.deploy(body));
        assertThat(e).as("deploy should fail").isNotNull();
        assertThat(e.kind()).as(e.detail()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
        assertThat(e.detail()).startsWith("deployment_failed: " + phase + ": ");
        assertThat(e.detail()).doesNotContain(env.token);
        assertThat(env.agentContainers(agent)).as("containers left behind").isEmpty();
        List<Deployment> records = env.allRecords().stream().filter(d -> agent.equals(d.agentName())).toList();
        assertThat(env.allRecords()).hasSize(recordsBefore + 1);
        assertThat(records).anySatisfy(d -> {
            assertThat(d.status()).isEqualTo("failed");
            assertThat(d.failurePhase()).isEqualTo(phase);
            assertThat(d.failureReason()).doesNotContain(env.token);
        });
        return e;
    }
}
