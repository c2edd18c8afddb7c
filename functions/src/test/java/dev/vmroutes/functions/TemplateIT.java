package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/** template.yaml is valid SAM, names handlers that exist in the built artifact, and routes exactly what the app serves. */
class TemplateIT {

    static final Path ROOT = Path.of("..");
    static final ObjectMapper JSON = new ObjectMapper();

    /** Loads CloudFormation YAML, mapping short tags ({@code !Ref x}) to their long form ({@code {"Ref": x}}). */
    static JsonNode loadTemplate() throws Exception {
        class CloudFormationConstructor extends SafeConstructor {
            CloudFormationConstructor() {
                super(new LoaderOptions());
                for (String fn : List.of("Ref", "GetAtt", "Sub", "If", "Equals", "Join", "Select", "Split", "FindInMap",
                        "Base64", "Cidr", "GetAZs", "ImportValue", "Not", "And", "Or", "Condition")) {
                    String longName = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                    yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                        @Override
                        public Object construct(Node node) {
                            Object value;
                            if (node instanceof ScalarNode scalar) {
                                value = fn.equals("GetAtt") ? List.of(scalar.getValue().split("\\.", 2)) : scalar.getValue();
                            } else if (node instanceof SequenceNode seq) {
                                value = constructSequence(seq);
                            } else {
                                value = constructMapping((MappingNode) node);
                            }
                            return Map.of(longName, value);
                        }
                    });
                }
            }
        }
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("template.yaml"))) {
            Object yaml = new Yaml(new CloudFormationConstructor()).load(reader);
            return JSON.valueToTree(yaml);
        }
    }

    /** The routes the application serves, as {@code METHOD path}, from the controller's mappings. */
    static Set<String> servedRoutes() {
        Set<String> served = new HashSet<>();
        String prefix = VmController.class.getAnnotation(RequestMapping.class).value()[0];
        for (Method m : VmController.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(GetMapping.class)) served.add("GET " + prefix + m.getAnnotation(GetMapping.class).value()[0]);
            if (m.isAnnotationPresent(PostMapping.class)) served.add("POST " + prefix + m.getAnnotation(PostMapping.class).value()[0]);
            if (m.isAnnotationPresent(DeleteMapping.class)) served.add("DELETE " + prefix + m.getAnnotation(DeleteMapping.class).value()[0]);
        }
        return served;
    }

    @Test
    void template_validatesAgainstTheSamSchema() throws Exception {
        JsonNode schemaNode;
        // AWS SAM's published JSON schema, copied on 2026-11-27 (see docs/README.md).
        try (InputStream in = TemplateIT.class.getResourceAsStream("/sam.schema.json")) {
            assertThat(in).as("sam.schema.json on the test class path").isNotNull();
            schemaNode = JSON.readTree(in);
        }
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaNode);
        Set<ValidationMessage> errors = schema.validate(loadTemplate());
        assertThat(errors).isEmpty();
    }

    @Test
    void template_handlers_existInTheLambdaArtifact() throws Exception {
        JsonNode template = loadTemplate();
        Path zip = ROOT.resolve(template.at("/Globals/Function/CodeUri").asText());
        assertThat(zip).exists();
        Set<String> handlers = new TreeSet<>();
        template.get("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                handlers.add(r.getValue().at("/Properties/Handler").asText());
            }
        });
        assertThat(handlers).hasSize(15);
        try (ZipFile artifact = new ZipFile(zip.toFile())) {
            for (String handler : handlers) {
                String className = handler.substring(0, handler.indexOf("::"));
                assertThat(artifact.getEntry(className.replace('.', '/') + ".class")).as(handler).isNotNull();
                Class<?> type = Class.forName(className);
                String method = handler.substring(handler.indexOf("::") + 2);
                assertThat(List.of(type.getMethods()).stream().map(Method::getName)).as(handler).contains(method);
            }
            assertThat(artifact.stream().map(e -> e.getName()).filter(n -> n.contains("tomcat"))).isEmpty();
        }
    }

    @Test
    void lambdaArtifact_leavesOutWhatNoFunctionUses_andStaysUnder40MB() throws Exception {
        Path zip = ROOT.resolve(loadTemplate().at("/Globals/Function/CodeUri").asText());
        try (ZipFile artifact = new ZipFile(zip.toFile())) {
            assertThat(artifact.stream().map(e -> e.getName())
                    .filter(n -> n.matches("lib/(bcprov|bcpkix|bcutil|h2|tomcat|jna|snakeyaml|log4j).*")))
                    .isEmpty();
        }
        assertThat(Files.size(zip)).isLessThan(40L * 1024 * 1024);
    }

    @Test
    void template_routes_areExactlyTheRoutesTheApplicationServes() throws Exception {
        Set<String> templateRoutes = new HashSet<>();
        loadTemplate().get("Resources").fields().forEachRemaining(r -> r.getValue().at("/Properties/Events").fields()
                .forEachRemaining(e -> {
                    if (e.getValue().path("Type").asText().equals("HttpApi")) {
                        JsonNode p = e.getValue().get("Properties");
                        templateRoutes.add(p.get("Method").asText() + " " + p.get("Path").asText());
                    }
                }));
        Set<String> jwtRoutes = new HashSet<>();
        loadTemplate().get("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::ApiGatewayV2::Route")) {
                jwtRoutes.add(r.getValue().at("/Properties/RouteKey").asText());
            }
        });
        Set<String> served = servedRoutes();
        assertThat(templateRoutes).isEqualTo(served).hasSize(13);
        assertThat(jwtRoutes).isEqualTo(served);
    }

    @Test
    void template_everyApiFunction_outlastsTheRequestDeadline_whichIsBelowTheHttpApisLimit() throws Exception {
        JsonNode template = loadTemplate();
        JsonNode globals = template.at("/Globals/Function");
        int deadline = globals.at("/Environment/Variables/VM_REQUEST_DEADLINE_SECONDS").asInt();
        // The deadline, then 2 s to record and clean up and 1 s for interrupted work to answer: below API Gateway's 30 s.
        assertThat(deadline + 3).isLessThan(30);
        template.get("Resources").fields().forEachRemaining(r -> {
            JsonNode function = r.getValue();
            if (!function.path("Type").asText().equals("AWS::Serverless::Function")) return;
            boolean api = function.at("/Properties/Events").findValuesAsText("Type").contains("HttpApi");
            int timeout = function.at("/Properties/Timeout").asInt(globals.get("Timeout").asInt());
            if (api) assertThat(timeout).as(r.getKey()).isGreaterThan(deadline + 3 - 1).isLessThanOrEqualTo(30);
        });
    }

    @Test
    void template_secretsByReference_areScopedToThePrefix_andTheFunctionsMayRunInAVpc() throws Exception {
        JsonNode template = loadTemplate();
        assertThat(template.at("/Globals/Function/Environment/Variables/VM_SECRET_PREFIX/Ref").asText()).isEqualTo("SecretPrefix");
        assertThat(template.at("/Globals/Function/VpcConfig/Fn::If/0").asText()).isEqualTo("UseVpc");
        for (String name : List.of("DeployWorkerFunction", "BatchDeployFunction")) {
            String policies = template.at("/Resources/" + name + "/Properties/Policies").toString();
            assertThat(policies).as(name).contains("UseSecretPrefix").contains(":secret:${SecretPrefix}*");
        }
        // No other function reads agent secrets.
        template.get("Resources").fields().forEachRemaining(r -> {
            if (!List.of("DeployWorkerFunction", "BatchDeployFunction").contains(r.getKey())) {
                assertThat(r.getValue().at("/Properties/Policies").toString()).as(r.getKey()).doesNotContain("SecretPrefix");
            }
        });
    }

    @Test
    void openApiDocument_describesExactlyTheRoutesTheApplicationServes_andIsValidOpenApi31() throws Exception {
        JsonNode document = OpenApiContract.document();
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new HashSet<>();
        document.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + p.getKey())));
        Set<String> served = servedRoutes();
        assertThat(documented).isEqualTo(served);
        // Every schema it names exists: a dangling reference would make validation pass vacuously.
        for (String ref : document.findValuesAsText("$ref")) {
            assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    @Test
    void template_deployQueue_isEncrypted_outlastsItsWorker_andFeedsItOneJobAtATime() throws Exception {
        JsonNode resources = loadTemplate().get("Resources");
        JsonNode queue = resources.at("/DeployQueue/Properties");
        JsonNode worker = resources.at("/DeployWorkerFunction/Properties");
        assertThat(queue.get("SqsManagedSseEnabled").asBoolean()).isTrue();
        assertThat(resources.at("/DeployDeadLetterQueue/Properties/SqsManagedSseEnabled").asBoolean()).isTrue();
        assertThat(queue.at("/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0").asText()).isEqualTo("DeployDeadLetterQueue");
        assertThat(queue.get("VisibilityTimeout").asInt()).isGreaterThanOrEqualTo(6 * worker.get("Timeout").asInt());
        assertThat(worker.at("/Events/Jobs/Type").asText()).isEqualTo("SQS");
        assertThat(worker.at("/Events/Jobs/Properties/BatchSize").asInt()).isEqualTo(1);
        assertThat(worker.at("/Environment/Variables/VM_WORKER_DEADLINE_SECONDS").asInt()).isLessThan(worker.get("Timeout").asInt());
        assertThat(resources.at("/DeployFunction/Properties/Environment/Variables/VM_DEPLOY_QUEUE_URL/Ref").asText()).isEqualTo("DeployQueue");
    }
}
