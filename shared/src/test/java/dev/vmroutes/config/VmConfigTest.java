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

    @Test
    void auditTable_isTheRecordsTablesNameWithAudit_unlessNamed() {
        assertThat(VmConfig.fromEnvironment(Map.of()).auditTable()).isEqualTo("vm-routes-deployments-audit");
        assertThat(VmConfig.fromEnvironment(Map.of("VM_TABLE_NAME", "prod-deployments")).auditTable()).isEqualTo("prod-deployments-audit");
        assertThat(VmConfig.fromEnvironment(Map.of("VM_TABLE_NAME", "prod-deployments", "VM_AUDIT_TABLE_NAME", "prod-audit")).auditTable())
                .isEqualTo("prod-audit");
    }

    @Test
    void hostBuildNetwork_isRefused_unlessAllowedInSoManyWords() {
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_BUILD_NETWORK", "host")))
                .hasMessageContaining("VM_BUILD_NETWORK: host").hasMessageContaining("VM_ALLOW_HOST_BUILD_NETWORK=true");
        assertThat(VmConfig.fromEnvironment(Map.of("VM_BUILD_NETWORK", "host", "VM_ALLOW_HOST_BUILD_NETWORK", "true"))
                .engine().buildNetwork()).isEqualTo("host");
        assertThat(VmConfig.fromEnvironment(Map.of("VM_BUILD_NETWORK", "builds")).engine().buildNetwork()).isEqualTo("builds");
    }

    @Test
    void bounds_haveDefaultsAPipInstallFitsIn_andReadSizes() {
        Bounds defaults = VmConfig.fromEnvironment(Map.of()).engine().bounds();
        assertThat(defaults).isEqualTo(new Bounds(2048L << 20, 1000, 512, 512L << 20, 1L << 30));
        Bounds set = VmConfig.fromEnvironment(Map.of("VM_BUILD_MEMORY", "1g", "VM_BUILD_CPUS", "0.5", "VM_BUILD_PIDS", "64",
                "VM_MAX_REPO_MB", "20", "VM_AGENT_DISK", "256m")).engine().bounds();
        assertThat(set).isEqualTo(new Bounds(1L << 30, 500, 64, 20L << 20, 256L << 20));
        assertThat(VmConfig.fromEnvironment(Map.of("VM_AGENT_DISK", "0", "VM_BUILD_MEMORY", "0", "VM_BUILD_CPUS", "0",
                "VM_BUILD_PIDS", "0", "VM_MAX_REPO_MB", "0")).engine().bounds()).isEqualTo(Bounds.OFF);
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_BUILD_MEMORY", "lots", "VM_AGENT_DISK", "-1")))
                .hasMessageContaining("VM_BUILD_MEMORY").hasMessageContaining("VM_AGENT_DISK");
        assertThat(VmConfig.fromEnvironment(Map.of()).engine().isolatedNetwork()).isEqualTo("jules-isolated");
    }

    @Test
    void swarmMode_needsARegistry_andReadsItsSettings() {
        assertThat(VmConfig.fromEnvironment(Map.of()).swarm()).isNull();
        assertThat(VmConfig.fromEnvironment(Map.of()).maxReplicas()).isEqualTo(1);
        VmConfig swarm = VmConfig.fromEnvironment(Map.of("VM_ENGINE_MODE", "swarm", "VM_REGISTRY", "registry.example:5000/vm-routes",
                "VM_SWARM_PUBLISH_MODE", "host", "VM_MAX_REPLICAS", "4", "VM_BUILDER_DOCKER_HOST", "tcp://builder:2376",
                "VM_REGISTRY_AUTH", "ecr"));
        assertThat(swarm.swarm().registry()).isEqualTo("registry.example:5000/vm-routes");
        assertThat(swarm.swarm().hostPublishing()).isTrue();
        assertThat(swarm.maxReplicas()).isEqualTo(4);
        assertThat(swarm.swarm().builderHost().toString()).isEqualTo("tcp://builder:2376");
        assertThat(swarm.swarm().registryAuth()).isEqualTo("ecr");
        VmConfig defaults = VmConfig.fromEnvironment(Map.of("VM_ENGINE_MODE", "swarm", "VM_REGISTRY", "registry.example/vm-routes"));
        assertThat(defaults.swarm().hostPublishing()).isFalse();
        assertThat(defaults.maxReplicas()).isEqualTo(10);
        assertThat(defaults.swarm().builderHost()).isNull();

        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_ENGINE_MODE", "swarm"))).hasMessageContaining("VM_REGISTRY");
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_ENGINE_MODE", "cluster"))).hasMessageContaining("VM_ENGINE_MODE");
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_ENGINE_MODE", "swarm", "VM_REGISTRY", "registry.example/vm-routes",
                "VM_SWARM_PUBLISH_MODE", "mesh"))).hasMessageContaining("VM_SWARM_PUBLISH_MODE");
        assertThatThrownBy(() -> VmConfig.fromEnvironment(Map.of("VM_ENGINE_MODE", "swarm", "VM_REGISTRY", "https://registry.example/x")))
                .hasMessageContaining("VM_REGISTRY");
    }
}
