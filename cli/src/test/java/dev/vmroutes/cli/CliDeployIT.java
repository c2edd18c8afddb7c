package dev.vmroutes.cli;

import dev.vmroutes.testing.LocalServer;

import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.PackageIndex;
import dev.vmroutes.testing.TokenGitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vmr deploy} as people and scripts see it, against the real local server and engine: a
 * real pip build from a package index on loopback, on a pseudo-terminal (tmux) and piped to a file,
 * a failing build, --detach, and Ctrl-C then "y".
 */
class CliDeployIT {

    static final String MAIN = "import greeting\nprint(greeting.hello(), flush=True)\n" + AgentRepo.HTTP_AGENT;
    static Path dir;
    static PackageIndex index;
    static TokenGitServer git;
    static LocalServer server;
    static final String gitToken = "git-" + UUID.randomUUID();
    static final List<String> agents = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("vmr-it-");
        // slow enough that the build is there to be seen, and to be cancelled
        index = new PackageIndex(4_000);
        git = new TokenGitServer(gitToken);
        server = new LocalServer(dir, Map.of("VM_BUILD_NETWORK", "host", "VM_ALLOW_HOST_BUILD_NETWORK", "true",
                "VM_PIP_INDEX_URL", index.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (String agent : agents) Cleanup.removeAgent(server, agent);
        } finally {
            if (server != null) server.close();
            if (git != null) git.close();
            if (index != null) index.close();
        }
    }

    /** An agent whose requirements pip installs from the index; each run's own, so no build reuses another's layers. */
    static String agent(String name, String requirements) throws Exception {
        String agent = name + "-" + Long.toHexString(System.nanoTime()).substring(6);
        git.serve(agent, AgentRepo.create(dir, agent, Map.of("main.py", MAIN, "requirements.txt", requirements + "\n# " + agent + "\n")).repository());
        agents.add(agent);
        return agent;
    }

    /** The shell line that runs vmr deploy of {@code agent} against the server. */
    static String vmr(String agent, String... more) {
        return "VMR_URL=" + server.url + " VMR_TOKEN=" + server.token + " " + System.getProperty("java.home") + "/bin/java -jar "
                + System.getProperty("vmr.jar") + " deploy --repo-url " + git.url(agent) + " --agent-name " + agent
                + " --auth-token " + gitToken + " " + String.join(" ", more);
    }

    static String plain(String command, Path output) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command + " > " + output + " 2>&1; echo $?").start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return status;
    }

    @Test
    void deploy_onATerminal_showsEachPhaseInOrder_theBuildsLines_andEndsWithTheAddress() throws Exception {
        String agent = agent("tty", PackageIndex.PACKAGE + "==1.0");
        try (Terminal terminal = new Terminal(dir, vmr(agent))) {
            Integer status = terminal.exitStatus(300);
            String screen = terminal.screen();
            assertThat(status).as(screen).isEqualTo(Vmr.OK);
            assertThat(screen).contains("Successfully installed " + PackageIndex.PACKAGE + "-" + PackageIndex.VERSION);
            List<String> phases = screen.lines().filter(l -> l.startsWith("== ")).map(l -> l.substring(3).strip().split(" +")[0]).toList();
            assertThat(phases).containsSubsequence("clone", "build", "start", "ready");
            assertThat(screen.indexOf("Successfully installed")).isLessThan(screen.indexOf("== start"));
            assertThat(screen).containsPattern("running: jules-agent-" + agent + "-\\d+")
                    .containsPattern("8080/tcp -> http://127\\.0\\.0\\.1:\\d+");
            // the redrawn status line is gone once the deploy ended
            assertThat(screen).doesNotContain("(Ctrl-C to cancel)");
        }
    }

    @Test
    void deploy_pipedToAFile_printsPlainLinesOnly() throws Exception {
        String agent = agent("piped", PackageIndex.PACKAGE + "==1.0");
        Path output = dir.resolve("piped.out");
        String status = plain(vmr(agent), output);
        byte[] bytes = Files.readAllBytes(output);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(status).as(text).isEqualTo("0");
        assertThat(bytes).as(text).doesNotContain((byte) 0x1b).doesNotContain((byte) '\r');
        assertThat(text).contains("build ...", "Successfully installed " + PackageIndex.PACKAGE, "running: jules-agent-" + agent);
        assertThat(text.lines().filter(l -> l.startsWith("== ")).map(l -> l.substring(3).strip().split(" +")[0]).toList())
                .containsSubsequence("clone", "build", "start", "ready");
    }

    @Test
    void aFailingBuild_exitsWithFailed_andShowsPipsError() throws Exception {
        String agent = agent("broken", "no-such-package-here==9.9");
        Path output = dir.resolve("broken.out");
        String status = plain(vmr(agent), output);
        String text = Files.readString(output);
        assertThat(status).as(text).isEqualTo(Integer.toString(Vmr.FAILED));
        assertThat(text).contains("failed in phase build").contains("No matching distribution found for no-such-package-here");
    }

    @Test
    void detach_returnsOnceQueued_withTheDeploymentId() throws Exception {
        String agent = agent("detached", PackageIndex.PACKAGE + "==1.0");
        Path output = dir.resolve("detached.out");
        String status = plain(vmr(agent, "--detach"), output);
        String text = Files.readString(output);
        assertThat(status).as(text).isEqualTo("0");
        String id = text.replaceAll("(?s).*deployment ([0-9a-f-]{36}) .*", "$1");
        assertThat(text).matches("(?s)deployment [0-9a-f-]{36} queued; .*/api/v1/vm/deployments/" + id + "\\)\\s*");
        // it was only queued: cancel it, so it costs no build
        Cleanup.cancel(server, id);
    }

    @Test
    void ctrlC_thenYes_cancelsTheDeploy() throws Exception {
        String agent = agent("interrupted", PackageIndex.PACKAGE + "==1.0");
        try (Terminal terminal = new Terminal(dir, vmr(agent))) {
            String screen = terminal.waitFor(s -> s.contains("-> building"), 180);
            assertThat(screen).contains("-> building");
            terminal.keys("C-c");
            screen = terminal.waitFor(s -> s.contains("cancel the deploy? [y/N]"), 30);
            assertThat(screen).contains("cancel the deploy? [y/N]");
            terminal.keys("y", "Enter");
            Integer status = terminal.exitStatus(120);
            screen = terminal.screen();
            assertThat(status).as(screen).isEqualTo(Vmr.CANCELLED);
            assertThat(screen).contains("cancelled: deployment ");
            String id = screen.replaceAll("(?s).*cancelled: deployment ([0-9a-f-]{36}).*", "$1");
            assertThat(Cleanup.record(server, id).path("status").asText()).isEqualTo("cancelled");
        }
    }
}
