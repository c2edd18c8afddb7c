package dev.vmroutes.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.config.VmConfig;
import dev.vmroutes.docker.DockerClients;
import dev.vmroutes.docker.DockerSettings;
import dev.vmroutes.testing.SecretsManagerTestServer;
import dev.vmroutes.testing.TestEnvironment;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Credentials by reference: the Git token, the SSH key and the engine's TLS material read from Secrets Manager. */
class SecretsByReferenceIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final SecretsManagerTestServer secrets = SecretsManagerTestServer.startUnchecked();
    /** The engine's TLS secret, as on Lambda; named under the prefix to show it is refused whatever the prefix says. */
    static final String ENGINE_SECRET = "vm-routes/engine-tls";

    static {
        secrets.put(ENGINE_SECRET, tlsSecret());
    }

    // No key directory: the key lives only in the secret.
    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_SSH_KEY_DIR", null).with("VM_SECRET_PREFIX", "vm-routes/")
            .with("VM_DOCKER_TLS_SECRET", ENGINE_SECRET).secrets(secrets::read);
    static final String TOKEN = env.token;

    @BeforeAll
    static void start() throws Exception {
        secrets.put("vm-routes/agents/git/token", TOKEN);
        secrets.put("vm-routes/agents/git/deploy-key", Files.readString(env.sshGit.privateKey()));
        secrets.put("elsewhere/git/token", TOKEN);
    }

    @AfterAll
    static void stop() {
        secrets.close();
    }

    /** The key's own lines, long enough to be recognised anywhere. */
    static List<String> keyLines() throws Exception {
        return Files.readString(env.sshGit.privateKey()).lines().map(String::strip)
                .filter(l -> l.length() >= 16 && !l.startsWith("-----")).toList();
    }

    @Test
    void deploy_withTokenAndKeySecrets_clonesWithoutRawCredentials() throws Exception {
        ObjectNode https = JSON.createObjectNode().put("repo_url", env.git.url("agent")).put("agent_name", "by-reference")
                .put("auth_token_secret", "vm-routes/agents/git/token");
        Results.Deployed viaToken = env.deploy(https);
        assertThat(viaToken.status()).isEqualTo("running");
        env.removeAgentContainers("by-reference");

        ObjectNode ssh = JSON.createObjectNode().put("repo_url", env.sshGit.url()).put("agent_name", "by-reference")
                .put("ssh_key_secret", "vm-routes/agents/git/deploy-key");
        Results.Deployed viaKey = env.deploy(ssh);
        assertThat(viaKey.status()).isEqualTo("running");
        String items = env.rawItems();
        assertThat(items).contains(viaKey.deploymentId()).doesNotContain(TOKEN);
        for (String line : keyLines()) assertThat(items).as("the key's value").doesNotContain(line);
    }

    @Test
    void deploy_withMissingSecret_is400NamingTheFieldAndCreatesNothing() {
        int records = env.allRecords().size();
        ObjectNode body = JSON.createObjectNode().put("repo_url", env.git.url("agent")).put("agent_name", "by-reference")
                .put("auth_token_secret", "vm-routes/agents/no/such/secret");
        VmException e = catchThrowableOfType(VmException.class, () -> env.deploy(body));
        assertThat(e.kind()).isEqualTo(VmException.Kind.INVALID);
        assertThat(e.detail()).startsWith("auth_token_secret: ");
        assertThat(env.allRecords()).hasSize(records);
    }

    @Test
    void deploy_duringASecretsManagerOutage_is503_notTheCallersMistake_andCreatesNothing() {
        int records = env.allRecords().size();
        ObjectNode body = JSON.createObjectNode().put("repo_url", env.git.url("agent")).put("agent_name", "outage")
                .put("auth_token_secret", "vm-routes/agents/git/token");
        secrets.failing(true);
        try {
            VmException e = catchThrowableOfType(VmException.class, () -> env.deploy(body));
            assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE);
            assertThat(e.detail()).startsWith("Secrets Manager unavailable: ").contains("auth_token_secret").doesNotContain(TOKEN);
        } finally {
            secrets.failing(false);
        }
        assertThat(env.allRecords()).hasSize(records);
        assertThat(env.agentContainers("outage")).isEmpty();
    }

    @Test
    void deploy_namingTheEngineSecretOrAnythingOutsideThePrefix_is400BeforeAnyRead() {
        int records = env.allRecords().size();
        int reads = secrets.reads();
        for (String id : List.of(ENGINE_SECRET, "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + ENGINE_SECRET + "-AbCdEf",
                "elsewhere/git/token", "arn:aws:secretsmanager:us-east-1:999999999999:secret:vm-routes/agents/git/token-AbCdEf")) {
            ObjectNode body = JSON.createObjectNode().put("repo_url", env.git.url("agent")).put("agent_name", "refused-reference")
                    .put("auth_token_secret", id);
            VmException e = catchThrowableOfType(VmException.class, () -> env.deploy(body));
            assertThat(e.kind()).as(id).isEqualTo(VmException.Kind.INVALID);
            assertThat(e.detail()).as(id).startsWith("auth_token_secret: ");
        }
        assertThat(secrets.reads()).as("secret reads").isEqualTo(reads);
        assertThat(env.allRecords()).hasSize(records);
        assertThat(env.agentContainers("refused-reference")).isEmpty();
    }

    static String tlsSecret() {
        try {
            Path tls = TestEnvironment.tlsDir();
            return JSON.writeValueAsString(Map.of(
                    "ca", Files.readString(tls.resolve("ca.pem")),
                    "cert", Files.readString(tls.resolve("cert.pem")),
                    "key", Files.readString(tls.resolve("key.pem"))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void dockerSettings_fromTlsSecret_reachTheEngineOverMutualTls() throws Exception {
        secrets.put("docker/tls", tlsSecret());
        Map<String, String> environment = new HashMap<>();
        environment.put("DOCKER_HOST", TestEnvironment.require("DOCKER_HOST"));
        environment.put("VM_DOCKER_TLS_SECRET", "docker/tls");
        DockerSettings settings = DockerSettings.resolve(VmConfig.fromEnvironment(environment).engine(), secrets::read);
        assertThat(settings.tls()).isNotNull();
        try (DockerClient docker = DockerClients.create(settings)) {
            docker.pingCmd().exec();
        }
    }
}
