package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged server checks its whole configuration before starting: a bad setting is one line naming the variable, and exit 2. */
class StartupConfigIT {

    static final Path JAR = Path.of("target", "vm-routes-functions-1.0.0-SNAPSHOT-local.jar");

    record Outcome(int exitCode, List<String> stderr, String stdout) {
    }

    static Outcome start(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("VM_API_TOKEN");
        builder.environment().put("PORT", "0");
        builder.environment().putAll(environment);
        Process server = builder.start();
        try {
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server stops by itself").isTrue();
            String stderr = new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String stdout = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Outcome(server.exitValue(), stderr.lines().toList(), stdout);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void nonLoopbackBind_withoutToken_isOneLineAndExit2() throws Exception {
        Outcome outcome = start(Map.of("VM_BIND_ADDRESS", "0.0.0.0"));
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).containsExactly("vm-routes: cannot start: VM_API_TOKEN: must be set to listen on 0.0.0.0"
                + " (the API controls a Docker engine); set a token (or VM_API_TOKENS_FILE, or VM_JWT_ISSUER) or bind to 127.0.0.1");
        assertThat(outcome.stdout()).isEmpty();
    }

    @Test
    void nonLoopbackBind_fromTheCommandLine_isCheckedToo() throws Exception {
        Outcome outcome = start(Map.of(), "--server.address=0.0.0.0");
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).hasSize(1);
        assertThat(outcome.stderr().get(0)).contains("VM_API_TOKEN: must be set to listen on 0.0.0.0");
    }

    @Test
    void swarmMode_againstAnEngineThatIsNotASwarmManager_isOneLineAndExit2() throws Exception {
        Path data = java.nio.file.Files.createTempDirectory("vm-swarm-start-");
        // the test engine is a plain engine, not a Swarm manager
        Outcome outcome = start(Map.of("VM_ENGINE_MODE", "swarm", "VM_REGISTRY", "127.0.0.1:5000/x", "VM_TABLE_NAME", "",
                "VM_DATA_DIR", data.toString()));
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).filteredOn(line -> line.startsWith("vm-routes: cannot start: ")).singleElement().asString()
                .startsWith("vm-routes: cannot start: VM_ENGINE_MODE=swarm, but the engine at ")
                .contains("is not a Swarm manager");
        assertThat(outcome.stdout()).doesNotContain("Tomcat started");
    }

    @Test
    void everyBadSetting_isNamedOnTheOneLine() throws Exception {
        Outcome outcome = start(Map.of("DOCKER_HOST", "ftp://engine", "VM_CONTAINER_CPUS", "lots", "VM_READY_TIMEOUT_SECONDS", "-1"));
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).hasSize(1);
        assertThat(outcome.stderr().get(0)).startsWith("vm-routes: cannot start: ")
                .contains("DOCKER_HOST: must be unix:///path/to/docker.sock or tcp://host:port, not ftp://engine")
                .contains("VM_CONTAINER_CPUS: must be a number of CPUs from 0.01, not lots")
                .contains("VM_READY_TIMEOUT_SECONDS: must be a whole number of at least 1, not -1");
    }
}
