package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/run-local's set-up on a machine state where no engine answers and the base image is
 * absent and cannot be pulled, through the script itself and so through scripts/engine-setup, which scripts/test-env
 * uses too. The engine it starts is a second one beside the engine every other test uses: its own
 * socket, data and exec roots in a temporary folder, a network namespace of its own and no iptables rules.
 */
class EngineSetupIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void noEngineNoBaseImage_runLocalStartsAndMakesBoth_andASecondStartReusesThem() throws Exception {
        Path dir = Files.createTempDirectory("engine-setup-it");
        String engine = "unix://" + dir.resolve("docker.sock");
        Map<String, String> env = Map.of(
                "DOCKER_HOST", engine,
                "ENGINE_DOCKERD_ARGS", String.join(" ", "--data-root", dir.resolve("data-root").toString(),
                        "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("dockerd.pid").toString(),
                        "--iptables=false", "--ip-masq=false", "--ip-forward=false"),
                // A network namespace of its own: a second dockerd on the host's would take docker0 (with --bridge none it removes it).
                "ENGINE_OWN_NETWORK", "1",
                "VM_DATA_DIR", dir.resolve("data").toString(),
                "VM_EXAMPLES_PORT", "off",
                // The engine it starts reaches no registry (a proxy on a closed loopback port), so the image is made, never pulled.
                "HTTPS_PROXY", "http://127.0.0.1:" + ReadmeQuickStartIT.freePort());
        Path enginePid = dir.resolve("data/engine/dockerd.pid");
        try {
            assertThat(docker(engine, "version").exit()).as("no engine answers there yet").isNotZero();

            String first = runLocalUntilItServes(env, dir.resolve("first.log"));
            assertThat(first).contains("[run-local] starting dockerd on " + engine, "[run-local] importing python:3.11-slim")
                    .doesNotContain("pulled");
            assertThat(docker(engine, "image", "inspect", "--format", "{{json .Config.Cmd}}", "python:3.11-slim").output())
                    .contains("python3");
            String pid = Files.readString(enginePid).strip();
            assertThat(docker(engine, "version").exit()).as("the engine outlives the server").isZero();

            String second = runLocalUntilItServes(env, dir.resolve("second.log"));
            assertThat(second).contains("[run-local] reusing the Docker engine on " + engine,
                            "[run-local] reusing the base image python:3.11-slim")
                    .doesNotContain("starting dockerd", "importing", "pulled");
            assertThat(Files.readString(enginePid).strip()).isEqualTo(pid);

            assertThat(shell(env, "bash scripts/run-local stop-engine").exit()).isZero();
            assertThat(docker(engine, "version").exit()).as("stop-engine stops the engine it started").isNotZero();
            assertThat(enginePid).doesNotExist();
            assertThat(new ProcessBuilder("docker", "version").start().waitFor()).as("the tests' engine still answers").isZero();
        } finally {
            shell(env, "bash scripts/run-local stop-engine");
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void noEngineOnATcpHost_setupSaysSoAndStartsNothing() throws Exception {
        int port = ReadmeQuickStartIT.freePort();
        Ran ran = shell(Map.of("ENGINE_HOST", "tcp://127.0.0.1:" + port, "LOG_PREFIX", "t"),
                ". scripts/engine-setup && ensure_engine");
        assertThat(ran.exit()).isNotZero();
        assertThat(ran.output()).isEqualTo("[t] no Docker engine answers on tcp://127.0.0.1:" + port
                + "; start it, or unset DOCKER_HOST to use this machine's\n");
    }

    record Ran(int exit, String output) {
    }

    /** Starts scripts/run-local, waits for its last set-up line, checks the API answers, and stops it by its own process. */
    private static String runLocalUntilItServes(Map<String, String> env, Path log) throws Exception {
        int port = ReadmeQuickStartIT.freePort();
        ProcessBuilder builder = builder(env, "bash scripts/run-local").redirectOutput(log.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        Process runLocal = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (!Files.readString(log).contains("[run-local] API on ")) {
                assertThat(runLocal.isAlive()).as("run-local runs; its output:%n%s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("run-local serves in time; its output:%n%s", Files.readString(log)).isLessThan(deadline);
                Thread.sleep(250);
            }
            HttpResponse<String> list = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("[]");
            return Files.readString(log);
        } finally {
            runLocal.destroy();
            assertThat(runLocal.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static ProcessBuilder builder(Map<String, String> env, String command) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile()).redirectErrorStream(true);
        for (String name : List.of("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "VM_TABLE_NAME",
                "VM_GIT_ALLOWED_HOSTS", "VM_API_TOKEN", "VM_BIND_ADDRESS", "NO_PROXY", "no_proxy")) {
            builder.environment().remove(name);
        }
        builder.environment().putAll(env);
        return builder;
    }

    private static Ran shell(Map<String, String> env, String command) throws Exception {
        Process process = builder(env, command).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Ran(process.exitValue(), output);
    }

    private static Ran docker(String engine, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("docker", "-H", engine));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("DOCKER_TLS_VERIFY");
        builder.environment().remove("DOCKER_CERT_PATH");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Ran(process.exitValue(), output);
    }
}
