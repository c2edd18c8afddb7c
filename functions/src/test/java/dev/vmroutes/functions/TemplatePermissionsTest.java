package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.vmroutes.functions.CloudFormationTemplate.functions;
import static dev.vmroutes.functions.CloudFormationTemplate.target;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least privilege, per function: which secrets, tables and queues each may touch, read from the
 * template's policies and SQS events and compared with this table, entry for entry. The engine's
 * TLS secret is root on the Docker host: only functions that call the engine may read it.
 */
class TemplatePermissionsTest {

    static final String RECORDS_READ = "DynamoDBReadPolicy(DeploymentsTable)";
    static final String RECORDS_CRUD = "DynamoDBCrudPolicy(DeploymentsTable)";
    static final String BUILD_LOGS_READ = "DynamoDBReadPolicy(DeploymentLogsTable)";
    static final String BUILD_LOGS_CRUD = "DynamoDBCrudPolicy(DeploymentLogsTable)";
    static final String ENGINE_SECRET = "AWSSecretsManagerGetSecretValuePolicy(DockerTlsSecretArn)";
    static final String AGENT_SECRETS = "if UseSecretPrefix: Allow secretsmanager:GetSecretValue on "
            + "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${SecretPrefix}*";
    static final String SEND_JOBS = "SQSSendMessagePolicy(DeployQueue)";
    static final String TAKE_JOBS = "SQS event(DeployQueue)";
    static final String TAKE_DEAD_LETTERS = "SQS event(DeployDeadLetterQueue)";
    static final String AUDIT_READ = "DynamoDBReadPolicy(AuditTable)";
    static final String AUDIT_WRITE = "Allow dynamodb:PutItem on AuditTable";
    static final String SAMPLES_WRITE = "Allow dynamodb:BatchWriteItem on HealthSamplesTable";
    static final String SAMPLES_READ = "DynamoDBReadPolicy(HealthSamplesTable)";
    static final String IAM_PRINCIPALS = "if UseIamPrincipalsSecret: managed IamPrincipalsSecretPolicy";
    /** On a Swarm: ECR's login token, which carries the role's own rights on the repository to every node. */
    static final String ECR_LOGIN = "if UseEcrLogin: Allow ecr:GetAuthorizationToken on *";
    static final String REGISTRY_PULL = "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer";
    static final String REGISTRY_PUSH = "if UseOwnRegistry: Allow ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart,"
            + " ecr:CompleteLayerUpload, ecr:PutImage, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchDeleteImage on AgentsRepository";
    static final String REGISTRY_READ = "if UseOwnRegistry: Allow " + REGISTRY_PULL + " on AgentsRepository";
    static final String REGISTRY_SECRET = "if UseRegistrySecret: Allow secretsmanager:GetSecretValue on "
            + "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${RegistryAuth}-??????";

    static final Map<String, Set<String>> EXPECTED = Map.ofEntries(
            entry("DeployFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, SEND_JOBS, AUDIT_WRITE, IAM_PRINCIPALS)),
            entry("DeployWorkerFunction", Set.of(RECORDS_CRUD, BUILD_LOGS_CRUD, ENGINE_SECRET, AGENT_SECRETS, TAKE_JOBS,
                    ECR_LOGIN, REGISTRY_PUSH, REGISTRY_SECRET)),
            entry("DeployDeadLetterFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, TAKE_DEAD_LETTERS)),
            entry("ListFunction", Set.of(RECORDS_READ, ENGINE_SECRET, IAM_PRINCIPALS)),
            entry("NodesFunction", Set.of(RECORDS_READ, ENGINE_SECRET, IAM_PRINCIPALS)),
            entry("OpenApiFunction", Set.of(IAM_PRINCIPALS)),
            entry("StopFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, AUDIT_WRITE, IAM_PRINCIPALS)),
            entry("HealthFunction", Set.of(RECORDS_READ, ENGINE_SECRET, SAMPLES_WRITE, IAM_PRINCIPALS)),
            entry("HealthHistoryFunction", Set.of(SAMPLES_READ, IAM_PRINCIPALS)),
            entry("LogsFunction", Set.of(RECORDS_READ, ENGINE_SECRET, IAM_PRINCIPALS)),
            entry("StatsFunction", Set.of(RECORDS_READ, ENGINE_SECRET, IAM_PRINCIPALS)),
            entry("DeploymentFunction", Set.of(RECORDS_READ, IAM_PRINCIPALS)),
            entry("DeploymentCancelFunction", Set.of(RECORDS_CRUD, AUDIT_WRITE, IAM_PRINCIPALS)),
            entry("DeploymentLogFunction", Set.of(RECORDS_READ, BUILD_LOGS_READ, IAM_PRINCIPALS)),
            entry("DeploymentsFunction", Set.of(RECORDS_READ, IAM_PRINCIPALS)),
            entry("RollbackFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, AUDIT_WRITE, IAM_PRINCIPALS, ECR_LOGIN, REGISTRY_READ,
                    REGISTRY_SECRET)),
            entry("BatchDeployFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, SEND_JOBS, AUDIT_WRITE, IAM_PRINCIPALS)),
            entry("BatchStopFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, AUDIT_WRITE, IAM_PRINCIPALS)),
            entry("AuditFunction", Set.of(AUDIT_READ, IAM_PRINCIPALS)),
            entry("CallerFunction", Set.of(IAM_PRINCIPALS)),
            entry("DashboardFunction", Set.of()),
            entry("HealthSweepFunction", Set.of(RECORDS_CRUD, ENGINE_SECRET, SAMPLES_WRITE)));

    static JsonNode template;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationTemplate.load();
    }

    /** What each function may do, in the table's words: policy templates with their resource, statements, SQS events. */
    static Map<String, Set<String>> grants(JsonNode t) {
        Map<String, Set<String>> grants = new TreeMap<>();
        functions(t).forEach((name, f) -> {
            Set<String> granted = new TreeSet<>();
            f.path("Policies").forEach(p -> granted.addAll(describe(p)));
            f.path("Events").forEach(e -> {
                if (e.path("Type").asText().equals("SQS")) granted.add("SQS event(" + target(e.at("/Properties/Queue")) + ")");
            });
            grants.put(name, granted);
        });
        return grants;
    }

    static List<String> describe(JsonNode policy) {
        List<String> described = new ArrayList<>();
        if (policy.isTextual() || policy.has("Ref")) {
            described.add("managed " + (policy.isTextual() ? policy.asText() : target(policy)));
        } else if (policy.has("Fn::If")) {
            JsonNode branches = policy.get("Fn::If");
            for (int i = 1; i <= 2; i++) {
                if ("AWS::NoValue".equals(target(branches.get(i)))) continue;
                String condition = (i == 1 ? "if " : "unless ") + branches.get(0).asText() + ": ";
                describe(branches.get(i)).forEach(d -> described.add(condition + d));
            }
        } else if (policy.has("Statement")) {
            policy.get("Statement").forEach(s -> described.add(s.path("Effect").asText() + " "
                    + text(s.get("Action")) + " on " + text(s.get("Resource"))));
        } else {
            policy.fields().forEachRemaining(template -> {
                List<String> on = new ArrayList<>();
                template.getValue().forEach(v -> on.add(target(v) != null ? target(v) : v.asText()));
                described.add(template.getKey() + "(" + String.join(", ", on) + ")");
            });
        }
        return described;
    }

    static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(text(v)));
            return String.join(", ", parts);
        }
        if (target(value) != null) return target(value);
        return value.has("Fn::Sub") ? value.get("Fn::Sub").asText() : value.asText();
    }

    @Test
    void everyFunction_hasExactlyTheSecretsTablesAndQueuesItsTableEntryNames() {
        assertThat(grants(template)).isEqualTo(new TreeMap<>(EXPECTED));
    }

    @Test
    void onlyFunctionsThatCallTheEngine_mayReadItsTlsSecret_andOnlyTheWorkerAgentSecrets() {
        Map<String, Set<String>> grants = grants(template);
        assertThat(grants.entrySet().stream().filter(g -> g.getValue().contains(ENGINE_SECRET)).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("DeployFunction", "DeployWorkerFunction", "DeployDeadLetterFunction", "ListFunction",
                        "NodesFunction", "StopFunction", "HealthFunction", "LogsFunction", "StatsFunction", "RollbackFunction", "BatchDeployFunction",
                        "BatchStopFunction", "HealthSweepFunction");
        assertThat(grants.entrySet().stream().filter(g -> g.getValue().contains(AGENT_SECRETS)).map(Map.Entry::getKey))
                .containsExactly("DeployWorkerFunction");
    }

    /** On a Swarm the worker pushes and updates services and a rollback updates them: only they reach the registry. */
    @Test
    void onlyTheWorkerPushesToTheRegistry_andOnlyItAndRollbackLogInToIt() {
        Map<String, Set<String>> grants = grants(template);
        assertThat(grants.entrySet().stream().filter(g -> g.getValue().contains(REGISTRY_PUSH)).map(Map.Entry::getKey))
                .containsExactly("DeployWorkerFunction");
        for (String registry : List.of(ECR_LOGIN, REGISTRY_SECRET)) {
            assertThat(grants.entrySet().stream().filter(g -> g.getValue().contains(registry)).map(Map.Entry::getKey))
                    .as(registry).containsExactlyInAnyOrder("DeployWorkerFunction", "RollbackFunction");
        }
        assertThat(grants.values().stream().flatMap(Set::stream).filter(g -> g.contains("ecr:") || g.contains("RegistryAuth")))
                .allMatch(g -> g.startsWith("if UseEcrLogin: ") || g.startsWith("if UseOwnRegistry: ") || g.startsWith("if UseRegistrySecret: "));
        JsonNode repository = template.at("/Resources/AgentsRepository");
        assertThat(repository.path("Condition").asText()).isEqualTo("UseOwnRegistry");
        assertThat(template.at("/Conditions/UseOwnRegistry").toString()).contains("OnSwarm");
        assertThat(template.at("/Conditions/UseEcrLogin").toString()).contains("OnSwarm");
        assertThat(template.at("/Conditions/UseRegistrySecret").toString()).contains("OnSwarm");
    }

    @Test
    void functionsThatMayNotReadTheEnginesSecret_areGivenNoEngineAccessAndNoSecretName() {
        Map<String, Set<String>> grants = grants(template);
        grants.forEach((function, granted) -> {
            JsonNode variables = template.at("/Resources/" + function + "/Properties/Environment/Variables");
            if (granted.contains(ENGINE_SECRET)) {
                assertThat(variables.path("VM_ENGINE_ACCESS").isMissingNode()).as(function).isTrue();
            } else {
                assertThat(variables.path("VM_ENGINE_ACCESS").asText()).as(function).isEqualTo("false");
                assertThat(variables.path("VM_DOCKER_TLS_SECRET").asText("unset")).as(function).isEmpty();
            }
        });
    }

    static Stream<Arguments> widened() {
        return Stream.of(
                Arguments.of("the OpenAPI function reads the engine's secret", (Consumer<ObjectNode>) t ->
                        policies(t, "OpenApiFunction").addObject().putObject("AWSSecretsManagerGetSecretValuePolicy")
                                .putObject("SecretArn").put("Ref", "DockerTlsSecretArn")),
                Arguments.of("a table-only reader may write", (Consumer<ObjectNode>) t -> {
                    ObjectNode policy = (ObjectNode) policies(t, "DeploymentFunction").get(0);
                    policy.set("DynamoDBCrudPolicy", policy.remove("DynamoDBReadPolicy"));
                }),
                Arguments.of("the deploy route reads agent secrets", (Consumer<ObjectNode>) t ->
                        policies(t, "DeployFunction").add(policies(t, "DeployWorkerFunction").get(3).deepCopy())),
                Arguments.of("the rollback pushes to the registry", (Consumer<ObjectNode>) t ->
                        policies(t, "RollbackFunction").add(policies(t, "DeployWorkerFunction").get(5).deepCopy())),
                Arguments.of("a function the table does not know", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) t.get("Resources")).set("ExtraFunction", t.at("/Resources/DeploymentFunction").deepCopy())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widened")
    void aTemplateThatWidensAFunctionsRights_isRefused(String change, Consumer<ObjectNode> widen) {
        ObjectNode widened = template.deepCopy();
        widen.accept(widened);
        assertThat(grants(widened)).isNotEqualTo(new TreeMap<>(EXPECTED));
    }

    static ArrayNode policies(ObjectNode t, String function) {
        return ((ObjectNode) t.at("/Resources/" + function + "/Properties")).withArray("Policies");
    }
}
