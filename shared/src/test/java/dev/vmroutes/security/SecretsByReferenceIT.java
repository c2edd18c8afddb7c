package dev.vmroutes.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import dev.vmroutes.api.ApiException;
import dev.vmroutes.docker.DockerClients;
import dev.vmroutes.docker.DockerSettings;
import dev.vmroutes.manager.Results;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.KeyGitServer;
import dev.vmroutes.testing.SecretsManagerTestServer;
import dev.vmroutes.testing.TestEnvironment;
import dev.vmroutes.testing.TestManagers;
import dev.vmroutes.testing.TokenGitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Credentials by reference: the Git token, the SSH key and the engine's TLS material read from Secrets Manager. */
class SecretsByReferenceIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "secret-token-" + System.nanoTime();

    @TempDir
    static Path dir;
    static SecretsManagerTestServer secrets;
    static TokenGitServer httpGit;
    static KeyGitServer sshGit;
    static TestManagers env;

    @BeforeAll
    static void start() throws Exception {
        secrets = new SecretsManagerTestServer();
        AgentRepo repo = AgentRepo.httpAgent(dir, "agent");
        httpGit = new TokenGitServer(TOKEN);
        httpGit.serve("agent", repo.repository());
        // The key lives only in the secret: its file is outside any key directory the manager knows.
        sshGit = new KeyGitServer(repo.repository(), dir.resolve("elsewhere"));
        secrets.put("git/token", TOKEN);
        secrets.put("git/deploy-key", Files.readString(sshGit.privateKey()));
        env = new TestManagers(null, Set.of("127.0.0.1"), secrets::read);
    }

    @AfterAll
    static void stop() throws Exception {
        env.removeAgentContainers("by-reference");
        secrets.close();
        httpGit.close();
        sshGit.close();
    }

    @Test
    void deploy_withTokenAndKeySecrets_clonesWithoutRawCredentials() {
        ObjectNode https = JSON.createObjectNode().put("repo_url", httpGit.url("agent")).put("agent_name", "by-reference")
                .put("auth_token_secret", "git/token");
        Results.Deployed viaToken = env.manager.deploy(https);
        assertThat(viaToken.status()).isEqualTo("running");
        env.removeAgentContainers("by-reference");

        ObjectNode ssh = JSON.createObjectNode().put("repo_url", sshGit.url()).put("agent_name", "by-reference")
                .put("ssh_key_secret", "git/deploy-key");
        Results.Deployed viaKey = env.manager.deploy(ssh);
        assertThat(viaKey.status()).isEqualTo("running");
        assertThat(env.store.list().toString()).doesNotContain(TOKEN).doesNotContain("git/deploy-key\n");
    }

    @Test
    void deploy_withMissingSecret_is400NamingTheFieldAndCreatesNothing() {
        int records = env.store.list().size();
        ObjectNode body = JSON.createObjectNode().put("repo_url", httpGit.url("agent")).put("agent_name", "by-reference")
                .put("auth_token_secret", "no/such/secret");
        ApiException e = catchThrowableOfType(ApiException.class, () -> env.manager.deploy(body));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.detail()).startsWith("auth_token_secret: ");
        assertThat(env.store.list()).hasSize(records);
    }

    @Test
    void dockerSettings_fromTlsSecret_reachTheEngineOverMutualTls() throws Exception {
        Path tls = TestEnvironment.tlsDir();
        secrets.put("docker/tls", JSON.writeValueAsString(Map.of(
                "ca", Files.readString(tls.resolve("ca.pem")),
                "cert", Files.readString(tls.resolve("cert.pem")),
                "key", Files.readString(tls.resolve("key.pem")))));
        Map<String, String> environment = new HashMap<>();
        environment.put("DOCKER_HOST", TestEnvironment.require("DOCKER_HOST"));
        environment.put("VM_DOCKER_TLS_SECRET", "docker/tls");
        DockerSettings settings = DockerSettings.fromEnvironment(environment, secrets::read);
        assertThat(settings.tls()).isNotNull();
        try (DockerClient docker = DockerClients.create(settings)) {
            docker.pingCmd().exec();
        }
    }
}
