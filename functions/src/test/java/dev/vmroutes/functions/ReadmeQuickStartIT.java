package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start as written: the run command of its table, then every command of its
 * marked block in order, in one shell, against the real engine (through the mutual-TLS front).
 * Only the ports change (free ones instead of 8080 and 8081), and the server gets a store of its own.
 */
class ReadmeQuickStartIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "http://localhost:8080";
    private static final String EXAMPLES = "http://127.0.0.1:8081";

    /** A command of the block and the answer the README shows under it (a JSON comment), if any. */
    record Step(String command, String shown) {
    }

    record Ran(Step step, int exit, String output) {
        JsonNode json() throws Exception {
            return JSON.readTree(output);
        }
    }

    @Test
    void quickStart_runsAsWritten(@TempDir Path dir) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String runCommand = tableCommand(readme, "run the API");
        assertThat(runCommand).isEqualTo("scripts/run-local");
        List<Step> steps = quickStartSteps(readme);
        assertThat(steps).hasSizeGreaterThan(8);
        assertThat(steps).allSatisfy(s -> assertThat(s.command()).doesNotContain("localhost:8081", "127.0.0.1:8080"));
        int apiPort = freePort();
        int gitPort = freePort();

        ProcessBuilder builder = new ProcessBuilder("bash", "-c", runCommand).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("run-local.log").toFile());
        for (String name : List.of("VM_TABLE_NAME", "VM_GIT_ALLOWED_HOSTS", "VM_API_TOKEN", "VM_BIND_ADDRESS", "VM_EXAMPLES_PORT")) {
            builder.environment().remove(name);
        }
        builder.environment().put("PORT", Integer.toString(apiPort));
        builder.environment().put("VM_EXAMPLES_PORT", Integer.toString(gitPort));
        builder.environment().put("VM_DATA_DIR", dir.resolve("data").toString());
        Process runLocal = builder.start();
        List<Ran> ran = new ArrayList<>();
        try {
            awaitApi(runLocal, dir.resolve("run-local.log"));
            String log = Files.readString(dir.resolve("run-local.log"));
            assertThat(log).contains("serving examples/hello-agent as http://127.0.0.1:" + gitPort + "/hello-agent.git");

            ran.addAll(runInOneShell(steps, dir, command -> command
                    .replace(API, "http://127.0.0.1:" + apiPort).replace(EXAMPLES, "http://127.0.0.1:" + gitPort)));
            for (Ran r : ran) {
                assertThat(r.exit()).as("exit status of: %s%n%s", r.step().command(), r.output()).isZero();
                if (r.step().shown() != null) {
                    assertThat(fieldNames(r.json())).as("fields the README shows for: %s", r.step().command())
                            .containsAll(shownFieldNames(r.step().shown()));
                }
            }

            List<Ran> deploys = ran.stream().filter(r -> r.step().command().contains("/api/v1/vm/deploy")).toList();
            assertThat(deploys).hasSize(2);
            JsonNode first = deploys.get(0).json();
            JsonNode second = deploys.get(1).json();
            assertThat(first.path("status").asText()).isEqualTo("running");
            assertThat(first.path("ready").asBoolean()).isTrue();
            assertThat(second.path("ready").asBoolean()).isTrue();
            assertThat(second.path("image_reused").asBoolean()).as("a new environment needs no new image").isTrue();
            assertThat(second.path("replaced")).extracting(JsonNode::asText).containsExactly(first.path("container_name").asText());

            List<JsonNode> rootAnswers = new ArrayList<>();
            for (Ran r : ran) {
                if (r.step().command().contains("?path=/\"")) rootAnswers.add(r.json().path("http_probe"));
            }
            assertThat(rootAnswers).hasSize(2);
            assertThat(rootAnswers.get(0).path("response").path("message").asText()).isEqualTo("hello from hello-agent");
            assertThat(rootAnswers.get(1).path("response").path("message").asText()).isEqualTo("hello again");

            Ran health = ran.stream().filter(r -> r.step().command().endsWith("/health/$name\"")).findFirst().orElseThrow();
            assertThat(health.json().path("http_probe").path("status_code").asInt()).isEqualTo(200);
            assertThat(health.json().path("http_probe").path("response").path("status").asText()).isEqualTo("ok");

            Ran logs = ran.stream().filter(r -> r.step().command().contains("/logs/")).findFirst().orElseThrow();
            assertThat(logs.json().path("lines").findValuesAsText("text")).anySatisfy(t -> assertThat(t).contains("\"GET / HTTP/1.1\" 200"));

            Ran stop = ran.get(ran.size() - 1);
            assertThat(stop.step().command()).contains("/api/v1/vm/stop");
            assertThat(stop.json().path("stopped").asText()).isEqualTo(second.path("container_name").asText());
            assertThat(stop.json().path("removed").asBoolean()).isTrue();
        } finally {
            runLocal.destroy();
            assertThat(runLocal.waitFor(30, TimeUnit.SECONDS)).as("run-local ends on SIGTERM").isTrue();
            removeWhatItMade(ran);
        }
    }

    /** The command in the README's quick-start table row that starts with {@code what}. */
    static String tableCommand(String readme, String what) {
        Matcher m = Pattern.compile("(?m)^\\| " + Pattern.quote(what) + "[^|]*\\| `([^`]+)` \\|").matcher(readme);
        assertThat(m.find()).as("a table row '%s'", what).isTrue();
        return m.group(1);
    }

    /** The commands of the block after {@code <!-- quick-start -->}, continuation lines joined, with the JSON shown under each. */
    static List<Step> quickStartSteps(String readme) {
        int marker = readme.indexOf("<!-- quick-start -->");
        assertThat(marker).as("the README's quick-start marker").isNotNegative();
        String rest = readme.substring(marker);
        int open = rest.indexOf("```bash\n");
        int close = rest.indexOf("\n```", open + 1);
        List<String> commands = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : rest.substring(open + "```bash\n".length(), close).split("\n")) {
            if (pending.isEmpty() && line.startsWith("# {")) {
                if (!commands.isEmpty() && shown.get(commands.size() - 1) == null) shown.set(commands.size() - 1, line.substring(2));
                continue;
            }
            if (pending.isEmpty() && (line.isBlank() || line.startsWith("#"))) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1);
                continue;
            }
            commands.add(pending.append(line).toString().strip());
            shown.add(null);
            pending.setLength(0);
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) steps.add(new Step(commands.get(i), shown.get(i)));
        return steps;
    }

    /** Runs the steps in one bash, so a variable one sets is there for the next, each output between markers. */
    static List<Ran> runInOneShell(List<Step> steps, Path dir, java.util.function.UnaryOperator<String> ports) throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            script.append("printf '\\n@@begin ").append(i).append("@@\\n'\n")
                    .append(ports.apply(steps.get(i).command())).append('\n')
                    .append("printf '\\n@@end ").append(i).append(" %d@@\\n' $?\n");
        }
        Files.writeString(dir.resolve("quick-start.sh"), script);
        Process shell = new ProcessBuilder("bash", dir.resolve("quick-start.sh").toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor(5, TimeUnit.MINUTES)).isTrue();
        List<Ran> ran = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Matcher m = Pattern.compile("(?s)\n@@begin " + i + "@@\n(.*)\n@@end " + i + " (\\d+)@@\n").matcher(out);
            assertThat(m.find()).as("output of step %d in:%n%s", i, out).isTrue();
            ran.add(new Ran(steps.get(i), Integer.parseInt(m.group(2)), m.group(1).strip()));
        }
        return ran;
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
            node.elements().forEachRemaining(child -> names.addAll(fieldNames(child)));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> names.addAll(fieldNames(child)));
        }
        return names;
    }

    static Set<String> shownFieldNames(String shown) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\"([a-z_]+)\":").matcher(shown);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    private static void awaitApi(Process runLocal, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            if (text.contains("[run-local] API on ")) return;
            assertThat(runLocal.isAlive()).as("run-local is running; its output:%n%s", text).isTrue();
            Thread.sleep(250);
        }
        throw new AssertionError("run-local did not say the API is up; its output:\n" + Files.readString(log));
    }

    /** The containers and images the deploys made, should a step have failed before the README's stop. */
    private static void removeWhatItMade(List<Ran> ran) throws Exception {
        List<String> containers = new ArrayList<>();
        Set<String> images = new LinkedHashSet<>();
        for (Ran r : ran) {
            if (!r.step().command().contains("/api/v1/vm/deploy") || r.exit() != 0) continue;
            try {
                JsonNode answer = r.json();
                containers.add(answer.path("container_name").asText());
                images.add(answer.path("image").asText());
            } catch (Exception notJson) {
                // nothing was made
            }
        }
        TestEnvironment.require("DOCKER_HOST");
        for (String container : containers) docker("rm", "-f", container);
        for (String image : images) docker("rmi", image);
    }

    private static void docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        if (args[args.length - 1].isEmpty()) return;
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor(60, TimeUnit.SECONDS);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
