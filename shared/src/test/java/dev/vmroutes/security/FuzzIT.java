package dev.vmroutes.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.TestRoutes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of every deploy, stop and health field against the real engine and table.
 * Each generated field is valid or invalid by construction (wrong type, out of range, or holding a
 * character its rule forbids). A request with any invalid field must answer 400 naming one of
 * them and create nothing; a request whose fields are all valid must deploy. Never a 5xx.
 */
class FuzzIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final AtomicInteger AGENTS = new AtomicInteger();
    static final AtomicInteger VALID_DEPLOYS = new AtomicInteger();

    static TestRoutes env;
    static String sentinel;

    /** One generated field: its name, its value (null: left out) and whether it is valid. */
    record Field(String name, JsonNode value, boolean valid) {
    }

    @BeforeContainer
    static void start() throws Exception {
        env = new TestRoutes().start();
        sentinel = env.deploy(env.body("fuzz-sentinel")).containerName();
    }

    @AfterContainer
    static void stop() throws Exception {
        env.close();
        // The generators must also reach the all-valid corner, or "valid deploys" was never tested.
        assertThat(VALID_DEPLOYS.get()).as("all-valid bodies generated and deployed").isPositive();
    }

    // ------------------------------------------------------------------ generators

    /** Text that breaks a rule by holding one of {@code poison}, at a random place. */
    static Arbitrary<String> poisoned(String poison) {
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(20);
        return Combinators.combine(any, any, Arbitraries.of(poison.chars().mapToObj(c -> String.valueOf((char) c)).toList()))
                .as((a, b, p) -> a + p + b);
    }

    /** Values of the wrong type for any field: never a whole number, which some fields accept. */
    static Arbitrary<JsonNode> wrongTypes() {
        return Arbitraries.of(NODES.booleanNode(true), NODES.arrayNode().add(1), NODES.objectNode().put("a", 1),
                NODES.numberNode(1.5));
    }

    /** Wrong types for a text field, whole numbers included. */
    static Arbitrary<JsonNode> nonStrings() {
        return Arbitraries.oneOf(wrongTypes(), Arbitraries.just(NODES.numberNode(42)));
    }

    static Arbitrary<Field> field(String name, Arbitrary<JsonNode> valid, Arbitrary<JsonNode> invalid, boolean optional) {
        List<Arbitrary<Field>> choices = new ArrayList<>();
        choices.add(valid.map(v -> new Field(name, v, true)));
        choices.add(invalid.map(v -> new Field(name, v, false)));
        if (optional) choices.add(Arbitraries.just(new Field(name, null, true)));
        return Arbitraries.oneOf(choices);
    }

    static Arbitrary<JsonNode> text(Arbitrary<String> strings) {
        return strings.map(NODES::textNode);
    }

    @Provide
    Arbitrary<List<Field>> deployBodies() {
        Arbitrary<Field> repoUrl = field("repo_url", Arbitraries.just(NODES.textNode(env.git.url("agent"))),
                Arbitraries.oneOf(nonStrings(), Arbitraries.just(NODES.nullNode()),
                        text(Arbitraries.of("file:///etc/passwd", "ext::sh -c id", "https://10.0.0.1/x.git",
                                "https://169.254.169.254/", "https://u:p@example.com/x.git", "http://example.com/x.git",
                                "https://[::1]/x", "https://2130706433/x", "git@10.0.0.1:x.git", "")),
                        text(Arbitraries.strings().ofMaxLength(40).filter(s -> !s.contains("127.0.0.1") && !s.contains("localhost")))),
                false);
        Arbitrary<Field> agentName = field("agent_name",
                Arbitraries.create(() -> NODES.textNode("fuzz-" + AGENTS.incrementAndGet())),
                Arbitraries.oneOf(nonStrings(), Arbitraries.just(NODES.nullNode()), text(Arbitraries.just("")),
                        text(poisoned("/ :@\\\u0000\n\u00e9$")), text(Arbitraries.strings().withChars("-._").ofMinLength(1).ofMaxLength(5)),
                        text(Arbitraries.strings().alpha().ofLength(64))),
                false);
        Arbitrary<Field> branch = field("branch", Arbitraries.just(NODES.textNode("main")),
                Arbitraries.oneOf(nonStrings(), text(Arbitraries.just("")), text(poisoned(" ~^:?*[\\\u0001")),
                        text(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> "-" + s)),
                        text(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> s + "..x"))),
                true);
        Arbitrary<Field> python = field("python_version", text(Arbitraries.of("3.11", "3.11-slim")),
                Arbitraries.oneOf(nonStrings(), text(poisoned("; \n$`'\"/:ABC_")), text(Arbitraries.of("3", "latest", "3.11.", ".3"))),
                true);
        Arbitrary<Field> port = field("expose_port", Arbitraries.of(NODES.numberNode(8080), NODES.numberNode(9000)),
                Arbitraries.oneOf(wrongTypes(), Arbitraries.integers().lessOrEqual(0).map(NODES::numberNode),
                        Arbitraries.integers().greaterOrEqual(65536).map(NODES::numberNode),
                        text(Arbitraries.just("8080"))),
                true);
        Arbitrary<Field> cmd = field("startup_cmd",
                Arbitraries.just(NODES.arrayNode().add("python").add("-c").add("print('ok')")),
                Arbitraries.oneOf(Arbitraries.of(NODES.arrayNode(), NODES.textNode("python main.py"),
                                NODES.arrayNode().add(1), NODES.arrayNode().add(""), NODES.arrayNode().add("python").add(NODES.nullNode())),
                        poisoned("\u0000\n\u0007").map(s -> NODES.arrayNode().add("python").add(s))),
                false);
        Arbitrary<Field> environment = field("environment",
                Arbitraries.maps(Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(8).map(k -> "F_" + k),
                        Arbitraries.strings().ofMaxLength(30).filter(v -> v.indexOf('\0') < 0)).ofMaxSize(4)
                        .map(m -> {
                            ObjectNode o = NODES.objectNode();
                            m.forEach(o::put);
                            return o;
                        }),
                Arbitraries.oneOf(Arbitraries.of(NODES.arrayNode(), NODES.textNode("A=1"), NODES.objectNode().put("A", 1)),
                        poisoned("-. =$").map(k -> NODES.objectNode().put("K" + k, "v")),
                        Arbitraries.strings().ofMaxLength(5).map(v -> NODES.objectNode().put("K", v + "\u0000"))),
                true);
        Arbitrary<Field> token = field("auth_token", Arbitraries.just(NODES.textNode(env.token)),
                Arbitraries.oneOf(nonStrings(), text(Arbitraries.just("")), text(poisoned("\n\u0000"))), false);
        Arbitrary<Field> memory = field("memory_mb", Arbitraries.integers().between(16, 512).map(NODES::numberNode),
                Arbitraries.oneOf(wrongTypes(), Arbitraries.integers().greaterOrEqual(513).map(NODES::numberNode),
                        Arbitraries.integers().lessOrEqual(15).map(NODES::numberNode)), true);
        Arbitrary<Field> pids = field("pids_limit", Arbitraries.integers().between(8, 256).map(NODES::numberNode),
                Arbitraries.oneOf(wrongTypes(), Arbitraries.integers().greaterOrEqual(257).map(NODES::numberNode)), true);
        Arbitrary<Field> unknown = Arbitraries.oneOf(Arbitraries.just(new Field("-", null, true)),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(n -> new Field("X" + n, NODES.textNode("v"), false)));
        return Combinators.combine(List.of(repoUrl, agentName, branch, python, port, cmd, environment, token, memory, pids, unknown))
                .as(fields -> fields);
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 2500, edgeCases = EdgeCasesMode.MIXIN)
    void deploy_anyBody_isDeployedOrRefusedWith400NamingAnInvalidField(@ForAll("deployBodies") List<Field> fields) {
        ObjectNode body = NODES.objectNode();
        List<String> invalid = new ArrayList<>();
        for (Field f : fields) {
            if (f.value() != null) body.set(f.name(), f.value());
            if (!f.valid()) invalid.add(f.name());
        }
        int records = env.allRecords().size();
        int gitRequests = env.git.gitRequests();
        Results.Deployed deployed = null;
        VmException refused = null;
        try {
            deployed = env.deploy(body);
        } catch (VmException e) {
            refused = e;
        }
        if (invalid.isEmpty()) {
            assertThat(refused).as(body + " -> " + (refused == null ? "" : refused.detail())).isNull();
            assertThat(deployed.status()).isEqualTo("exited");
            VALID_DEPLOYS.incrementAndGet();
            env.removeAgentContainers(body.get("agent_name").asText());
            return;
        }
        assertThat(refused).as("accepted although " + invalid + " invalid: " + body).isNotNull();
        assertThat(refused.kind()).as(refused.detail()).isEqualTo(VmException.Kind.INVALID);
        String field = refused.detail().substring(0, refused.detail().indexOf(':'));
        assertThat(invalid.contains(field) || invalid.contains(field.replaceFirst("\\..*", "")))
                .as("detail '" + refused.detail() + "' names one of " + invalid).isTrue();
        // The record comes before every other side effect, the clone before any image: neither happened.
        assertThat(env.allRecords()).hasSize(records);
        assertThat(env.git.gitRequests()).isEqualTo(gitRequests);
        String agent = body.path("agent_name").asText("");
        // (an empty label value would match every agent)
        if (!agent.isEmpty()) assertThat(env.agentContainers(agent)).isEmpty();
    }

    @Provide
    Arbitrary<JsonNode> anyJson() {
        return Arbitraries.oneOf(wrongTypes(), Arbitraries.just(NODES.nullNode()), text(Arbitraries.strings().ofMaxLength(30)));
    }

    @Property(tries = 2000, edgeCases = EdgeCasesMode.MIXIN)
    void stop_anyBody_is400Or404AndTouchesNothing(@ForAll("anyJson") JsonNode name, @ForAll("anyJson") JsonNode remove,
                                                  @ForAll boolean addUnknownField) {
        ObjectNode body = NODES.objectNode().set("container_name", name);
        body.set("remove", remove);
        if (addUnknownField) body.put("force", true);
        try {
            env.stop(body);
            throw new AssertionError("stopped something for " + body);
        } catch (VmException e) {
            assertThat(e.kind()).as(body + " -> " + e.detail()).isIn(VmException.Kind.INVALID, VmException.Kind.NOT_FOUND);
        }
        assertThat(env.docker.inspectContainerCmd(sentinel).exec().getState().getStatus()).isEqualTo("running");
    }

    @Property(tries = 2000, edgeCases = EdgeCasesMode.MIXIN)
    void health_anyNameAndPath_answersOrIs400Or404(@ForAll("names") String name, @ForAll("paths") String path) {
        try {
            Results.Health health = env.health(name, path);
            assertThat(name).isEqualTo(sentinel);
            assertThat(health.containerStatus()).isEqualTo("running");
            assertThat(health.httpProbe().url()).startsWith("http://127.0.0.1:");
        } catch (VmException e) {
            assertThat(e.kind()).as(name + " " + path + " -> " + e.detail()).isIn(VmException.Kind.INVALID, VmException.Kind.NOT_FOUND);
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.just(sentinel), Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().alpha().numeric().withChars("_.-").ofMinLength(1).ofMaxLength(40));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40), Arbitraries.strings().ofMaxLength(40).map(s -> "/" + s),
                Arbitraries.of("/health", "//evil.com/", "/../x", "http://10.0.0.1/", "/@evil", "/%2e%2e/"),
                Arbitraries.just((String) null));
    }
}
