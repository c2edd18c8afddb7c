package dev.vmroutes.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VmConfigTest {

    static final String PEMS = "{\"ca\": \"x\", \"cert\": \"y\", \"key\": \"z\"}";

    @Test
    void tlsPemsInAVariable_areForLocalRunsOnly() {
        assertThat(VmConfig.fromEnvironment(Map.of("DOCKER_HOST", "tcp://engine:2376", "VM_DOCKER_TLS", PEMS))
                .engine().tlsPems()).isEqualTo(PEMS);
        assertThat(VmConfig.fromEnvironment(Map.of("DOCKER_HOST", "tcp://engine:2376", "VM_DOCKER_TLS", PEMS,
                "AWS_LAMBDA_FUNCTION_NAME", "ListFunction", "AWS_SAM_LOCAL", "true")).engine().tlsPems()).isEqualTo(PEMS);
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("DOCKER_HOST", "tcp://engine:2376", "VM_DOCKER_TLS", PEMS,
                "AWS_LAMBDA_FUNCTION_NAME", "ListFunction"))).hasMessageContaining("VM_DOCKER_TLS: is for local runs");
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("DOCKER_HOST", "tcp://engine:2376", "VM_DOCKER_TLS", PEMS,
                "VM_DOCKER_TLS_SECRET", "engine-tls"))).hasMessageContaining("not both");
    }

    @Test
    void pipIndex_mayNotCarryCredentials_forBuildArgumentsShowInTheImagesHistory() {
        assertThat(VmConfig.fromEnvironment(Map.of("VM_PIP_INDEX_URL", "http://127.0.0.1:3141/simple/")).engine().pipIndexUrl())
                .isEqualTo("http://127.0.0.1:3141/simple/");
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_PIP_INDEX_URL", "https://user:secret@pypi.example/simple/")))
                .hasMessageContaining("VM_PIP_INDEX_URL: must not carry credentials").hasMessageNotContaining("secret@");
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_PIP_INDEX_URL", "ftp://mirror/simple/")))
                .hasMessageContaining("VM_PIP_INDEX_URL");
    }

    @Test
    void deadlineAndSecretPrefix_haveTheirDefaults() {
        VmConfig config = VmConfig.fromEnvironment(Map.of());
        assertThat(config.requestDeadline()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.secretPrefix()).isNull();
        assertThat(config.engine().buildNetwork()).isNull();
    }
}
