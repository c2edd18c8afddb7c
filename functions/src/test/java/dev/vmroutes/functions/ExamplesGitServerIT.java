package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/ExamplesGitServer.java, as scripts/run-local starts it, read by the git command line. */
class ExamplesGitServerIT {

    record Ran(int exit, String output) {
    }

    @Test
    void anExampleFolder_isARepositoryAsItIsOnDisk_readOnly(@TempDir Path dir) throws Exception {
        Path example = Files.createDirectories(dir.resolve("examples/agent"));
        Files.writeString(example.resolve("main.py"), "print('one')\n");
        int port = ReadmeQuickStartIT.freePort();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ReadmeQuickStartIT.ROOT.resolve("scripts/ExamplesGitServer.java").toString(),
                dir.resolve("examples").toString(), dir.resolve("repos").toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            awaitPort(server, port, dir.resolve("server.log"));
            String url = "http://127.0.0.1:" + port + "/agent.git";

            String first = tip(dir, url);
            assertThat(tip(dir, url)).as("nothing changed: no new commit").isEqualTo(first);
            assertThat(git(dir, "clone", "--quiet", "--depth", "1", url, "one").exit()).isZero();
            assertThat(dir.resolve("one/main.py")).hasContent("print('one')");

            Files.writeString(example.resolve("main.py"), "print('two')\n");
            String second = tip(dir, url);
            assertThat(second).isNotEqualTo(first);
            assertThat(git(dir, "clone", "--quiet", url, "two").exit()).isZero();
            assertThat(dir.resolve("two/main.py")).hasContent("print('two')");
            assertThat(git(dir.resolve("two"), "rev-parse", "HEAD^").output().strip()).as("the edit is a commit on the last").isEqualTo(first);

            Files.writeString(dir.resolve("two/main.py"), "print('pushed')\n");
            git(dir.resolve("two"), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-am", "push");
            assertThat(git(dir.resolve("two"), "push", "--quiet", url, "HEAD:main").exit()).as("a push is refused").isNotZero();
            assertThat(tip(dir, url)).isEqualTo(second);

            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/missing.git/info/refs?service=git-upload-pack", "/agent.git/../../etc/passwd", "/agent/info/refs")) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(path).isEqualTo(404);
            }
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String tip(Path dir, String url) throws Exception {
        Ran ran = git(dir, "ls-remote", url, "refs/heads/main");
        assertThat(ran.exit()).as(ran.output()).isZero();
        return ran.output().split("\\s+")[0];
    }

    private static Ran git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), output);
    }

    private static void awaitPort(Process server, int port, Path log) throws Exception {
        for (int i = 0; i < 240; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                assertThat(server.isAlive()).as("the server runs; its output:%n%s", Files.readString(log)).isTrue();
                Thread.sleep(250);
            }
        }
        throw new AssertionError("the server did not listen; its output:\n" + Files.readString(log));
    }
}
