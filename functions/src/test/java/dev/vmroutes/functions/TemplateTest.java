package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.vmroutes.functions.CloudFormationTemplate.JSON;
import static dev.vmroutes.functions.CloudFormationTemplate.ROOT;
import static dev.vmroutes.functions.CloudFormationTemplate.environment;
import static dev.vmroutes.functions.CloudFormationTemplate.functions;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/** How template.yaml wires the queue, the worker, the dead-letter consumer, the table and the settings to the code. */
class TemplateTest {

    /** The event under events/ that {@code sam local invoke} takes for each function. */
    static final Map<String, String> EVENTS = Map.ofEntries(
            entry("DeployFunction", "deploy.json"),
            entry("DeployWorkerFunction", "deploy-worker.json"),
            entry("DeployDeadLetterFunction", "deploy-dead-letter.json"),
            entry("ListFunction", "list.json"),
            entry("NodesFunction", "nodes.json"),
            entry("OpenApiFunction", "openapi.json"),
            entry("StopFunction", "stop.json"),
            entry("HealthFunction", "health.json"),
            entry("HealthHistoryFunction", "health-history.json"),
            entry("LogsFunction", "logs.json"),
            entry("StatsFunction", "stats.json"),
            entry("DeploymentFunction", "deployment.json"),
            entry("DeploymentCancelFunction", "deployment-cancel.json"),
            entry("DeploymentLogFunction", "deployment-log.json"),
            entry("DeploymentsFunction", "deployments.json"),
            entry("RollbackFunction", "rollback.json"),
            entry("BatchDeployFunction", "batch-deploy.json"),
            entry("BatchStopFunction", "batch-stop.json"),
            entry("AuditFunction", "audit.json"),
            entry("CallerFunction", "caller.json"),
            entry("DashboardFunction", "dashboard.json"),
            entry("HealthSweepFunction", "sweep.json"));

    static JsonNode template;
    static JsonNode resources;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationTemplate.load();
        resources = template.get("Resources");
    }

    @Test
    void deployQueue_isEncrypted_outlastsItsWorker_andFeedsItAtMostMaxConcurrentBuildsJobsAtOnce() {
        JsonNode queue = resources.at("/DeployQueue/Properties");
        JsonNode worker = resources.at("/DeployWorkerFunction/Properties");
        assertThat(queue.get("SqsManagedSseEnabled").asBoolean()).isTrue();
        assertThat(resources.at("/DeployDeadLetterQueue/Properties/SqsManagedSseEnabled").asBoolean()).isTrue();
        assertThat(queue.at("/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0").asText()).isEqualTo("DeployDeadLetterQueue");
        assertThat(worker.at("/Events/Jobs/Type").asText()).isEqualTo("SQS");
        assertThat(worker.at("/Events/Jobs/Properties/Queue/Fn::GetAtt/0").asText()).isEqualTo("DeployQueue");
        assertThat(worker.at("/Events/Jobs/Properties/BatchSize").asInt()).isEqualTo(1);
        assertThat(worker.at("/Events/Jobs/Properties/FunctionResponseTypes")).containsExactly(JSON.valueToTree("ReportBatchItemFailures"));
        assertThat(worker.at("/Events/Jobs/Properties/ScalingConfig/MaximumConcurrency/Ref").asText()).isEqualTo("MaxConcurrentBuilds");
        assertThat(worker.at("/Environment/Variables/VM_WORKER_DEADLINE_SECONDS").asInt()).isLessThan(worker.get("Timeout").asInt());
        for (String sender : List.of("DeployFunction", "BatchDeployFunction")) {
            assertThat(resources.at("/" + sender + "/Properties/Environment/Variables/VM_DEPLOY_QUEUE_URL/Ref").asText())
                    .as(sender).isEqualTo("DeployQueue");
        }
    }

    @Test
    void worker_keepsItsLargeTmp_withoutSnapStart_whileTheBatchDeployFunctionOnlyQueues_withSnapStart() {
        JsonNode worker = resources.at("/DeployWorkerFunction/Properties");
        assertThat(worker.at("/SnapStart/ApplyOn").asText()).isEqualTo("None");
        assertThat(worker.at("/EphemeralStorage/Size").asInt()).isEqualTo(2048);
        JsonNode batch = resources.at("/BatchDeployFunction/Properties");
        assertThat(batch.has("EphemeralStorage")).isFalse();
        assertThat(batch.has("MemorySize")).isFalse();
        assertThat(batch.has("SnapStart")).isFalse();
        assertThat(template.at("/Globals/Function/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
    }

    @Test
    void deadLetterConsumer_takesOneDeadJobAtATime_andHasItsLogGroup() {
        JsonNode consumer = resources.at("/DeployDeadLetterFunction/Properties");
        assertThat(consumer.get("Handler").asText()).isEqualTo("dev.vmroutes.functions.handler.DeployDeadLetterFunction::handleRequest");
        JsonNode event = consumer.at("/Events/DeadLetters");
        assertThat(event.get("Type").asText()).isEqualTo("SQS");
        assertThat(event.at("/Properties/Queue/Fn::GetAtt/0").asText()).isEqualTo("DeployDeadLetterQueue");
        assertThat(event.at("/Properties/BatchSize").asInt()).isEqualTo(1);
        assertThat(event.at("/Properties/FunctionResponseTypes")).containsExactly(JSON.valueToTree("ReportBatchItemFailures"));
        assertThat(consumer.at("/Environment/Variables/VM_DEPLOY_QUEUE_URL").isMissingNode()).isTrue();
    }

    @Test
    void everyFunction_hasALogGroupWithTheRetentionParameter() {
        for (String function : functions(template).keySet()) {
            JsonNode group = resources.at("/" + function + "Logs");
            assertThat(group.path("Type").asText()).as(function).isEqualTo("AWS::Logs::LogGroup");
            assertThat(group.at("/Properties/LogGroupName/Fn::Sub").asText()).isEqualTo("/aws/lambda/${" + function + "}");
            assertThat(group.at("/Properties/RetentionInDays/Ref").asText()).isEqualTo("LogRetentionDays");
        }
    }

    @Test
    void settings_reachEveryFunction_asTheVariablesTheCodeReads() {
        JsonNode vars = template.at("/Globals/Function/Environment/Variables");
        assertThat(vars.at("/VM_MAX_CONCURRENT_BUILDS/Ref").asText()).isEqualTo("MaxConcurrentBuilds");
        assertThat(vars.at("/VM_RECORD_RETENTION_DAYS/Ref").asText()).isEqualTo("RecordRetentionDays");
        assertThat(vars.at("/VM_SECRET_PREFIX/Ref").asText()).isEqualTo("SecretPrefix");
        JsonNode builds = template.at("/Parameters/MaxConcurrentBuilds");
        assertThat(List.of(builds.get("Default").asInt(), builds.get("MinValue").asInt(), builds.get("MaxValue").asInt()))
                .containsExactly(4, 2, 1000);
        JsonNode retention = template.at("/Parameters/RecordRetentionDays");
        assertThat(List.of(retention.get("Default").asInt(), retention.get("MinValue").asInt(), retention.get("MaxValue").asInt()))
                .containsExactly(90, 1, 3650);
        assertThat(template.at("/Globals/Function/VpcConfig/Fn::If/0").asText()).isEqualTo("UseVpc");
    }

    @Test
    void deploymentsTable_hasExactlyTheIndexesTheCodeQueries_andExpiresItems() {
        JsonNode table = resources.at("/DeploymentsTable/Properties");
        Map<String, String> indexes = new TreeMap<>();
        for (JsonNode index : table.get("GlobalSecondaryIndexes")) {
            List<String> key = new ArrayList<>();
            index.get("KeySchema").forEach(k -> key.add(k.get("AttributeName").asText() + " " + k.get("KeyType").asText()));
            indexes.put(index.get("IndexName").asText(), String.join(", ", key) + " / " + index.at("/Projection/ProjectionType").asText());
        }
        assertThat(indexes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "agent_name-created_at-index", "agent_name HASH, created_at RANGE / ALL",
                "live-index", "live HASH, created_at RANGE / ALL",
                "in-progress-index", "in_progress HASH, deadline_at RANGE / ALL"));
        Map<String, String> attributes = new TreeMap<>();
        table.get("AttributeDefinitions").forEach(a -> attributes.put(a.get("AttributeName").asText(), a.get("AttributeType").asText()));
        // CloudFormation refuses a definition no key uses, so these are exactly the keys'.
        assertThat(attributes).isEqualTo(Map.of("id", "S", "agent_name", "S", "created_at", "S", "live", "S",
                "in_progress", "S", "deadline_at", "S"));
        assertThat(table.at("/KeySchema/0/AttributeName").asText()).isEqualTo("id");
        assertThat(table.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo("expires_at");
        assertThat(table.at("/TimeToLiveSpecification/Enabled").asBoolean()).isTrue();
    }

    @Test
    void auditTable_isKeyedByDayThenTime_indexedByAgent_andExpiresItems() {
        JsonNode table = resources.at("/AuditTable/Properties");
        assertThat(table.get("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.get("KeySchema")).isEqualTo(JSON.valueToTree(List.of(Map.of("AttributeName", "day", "KeyType", "HASH"),
                Map.of("AttributeName", "entry", "KeyType", "RANGE"))));
        assertThat(table.at("/GlobalSecondaryIndexes")).hasSize(1);
        JsonNode index = table.at("/GlobalSecondaryIndexes/0");
        assertThat(index.get("IndexName").asText()).isEqualTo("agent_name-entry-index");
        assertThat(index.get("KeySchema")).isEqualTo(JSON.valueToTree(List.of(Map.of("AttributeName", "agent_name", "KeyType", "HASH"),
                Map.of("AttributeName", "entry", "KeyType", "RANGE"))));
        assertThat(index.at("/Projection/ProjectionType").asText()).isEqualTo("ALL");
        Map<String, String> attributes = new TreeMap<>();
        table.get("AttributeDefinitions").forEach(a -> attributes.put(a.get("AttributeName").asText(), a.get("AttributeType").asText()));
        assertThat(attributes).isEqualTo(Map.of("day", "S", "entry", "S", "agent_name", "S"));
        assertThat(table.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo("expires_at");
        assertThat(table.at("/TimeToLiveSpecification/Enabled").asBoolean()).isTrue();
        assertThat(template.at("/Globals/Function/Environment/Variables/VM_AUDIT_TABLE_NAME/Ref").asText()).isEqualTo("AuditTable");
    }

    @Test
    void healthSamplesTable_isKeyedByAgentThenTime_expiresItems_andIsNamedOnlyToTheFunctionsThatUseIt() {
        JsonNode table = resources.at("/HealthSamplesTable/Properties");
        assertThat(table.get("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.get("KeySchema")).isEqualTo(JSON.valueToTree(List.of(Map.of("AttributeName", "agent_name", "KeyType", "HASH"),
                Map.of("AttributeName", "sample", "KeyType", "RANGE"))));
        assertThat(table.has("GlobalSecondaryIndexes")).isFalse();
        assertThat(table.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo("expires_at");
        assertThat(table.at("/TimeToLiveSpecification/Enabled").asBoolean()).isTrue();
        assertThat(template.at("/Globals/Function/Environment/Variables/VM_HEALTH_TABLE_NAME").isMissingNode()).isTrue();
        List<String> named = new ArrayList<>();
        functions(template).forEach((name, f) -> {
            if (f.at("/Environment/Variables/VM_HEALTH_TABLE_NAME/Ref").asText().equals("HealthSamplesTable")) named.add(name);
        });
        assertThat(named).containsExactlyInAnyOrder("HealthFunction", "HealthHistoryFunction", "HealthSweepFunction");
    }

    @Test
    void iamPrincipalsSecret_isNamedToEveryFunction_andItsPolicyReadsOnlyThatSecret_onlyWhenSet() {
        assertThat(template.at("/Globals/Function/Environment/Variables/VM_IAM_PRINCIPALS_SECRET/Ref").asText())
                .isEqualTo("IamPrincipalsSecret");
        assertThat(template.at("/Parameters/IamPrincipalsSecret/Default").asText("unset")).isEmpty();
        JsonNode policy = resources.get("IamPrincipalsSecretPolicy");
        assertThat(policy.get("Condition").asText()).isEqualTo("UseIamPrincipalsSecret");
        JsonNode statements = policy.at("/Properties/PolicyDocument/Statement");
        assertThat(statements).hasSize(1);
        assertThat(statements.at("/0/Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(statements.at("/0/Resource/Fn::Sub").asText()).endsWith(":secret:${IamPrincipalsSecret}-??????");
    }

    @Test
    void everyFunction_hasAnEventUnderEvents_ofTheKindThatInvokesIt() throws Exception {
        assertThat(EVENTS.keySet()).isEqualTo(functions(template).keySet());
        for (var function : functions(template).entrySet()) {
            Path file = ROOT.resolve("events").resolve(EVENTS.get(function.getKey()));
            JsonNode event = JSON.readTree(Files.readString(file));
            JsonNode source = function.getValue().get("Events").elements().next();
            switch (source.get("Type").asText()) {
                case "HttpApi" -> assertThat(event.get("routeKey").asText()).as(file.toString())
                        .isEqualTo(source.at("/Properties/Method").asText() + " " + source.at("/Properties/Path").asText());
                case "SQS" -> {
                    JsonNode message = event.at("/Records/0");
                    assertThat(message.get("eventSource").asText()).isEqualTo("aws:sqs");
                    assertThat(message.get("eventSourceARN").asText()).as(file.toString())
                            .contains("-" + source.at("/Properties/Queue/Fn::GetAtt/0").asText() + "-");
                    assertThat(JSON.readTree(message.get("body").asText()).fieldNames()).toIterable().containsExactly("deployment_id");
                }
                case "ScheduleV2" -> assertThat(event.get("source").asText()).isEqualTo("aws.scheduler");
                default -> throw new AssertionError(function.getKey() + ": no event kind " + source.get("Type"));
            }
        }
        assertThat(JSON.readTree(ROOT.resolve("events/deploy-dead-letter.json").toFile())
                .at("/Records/0/attributes/ApproximateReceiveCount").asText())
                .isEqualTo(template.at("/Resources/DeployQueue/Properties/RedrivePolicy/maxReceiveCount").asText());
    }

    /** The functions that call the engine: those that may read its TLS secret. */
    static List<String> engineFunctions() {
        List<String> callers = new ArrayList<>();
        functions(template).forEach((name, f) -> {
            if (f.path("Policies").toString().contains("DockerTlsSecretArn")) callers.add(name);
        });
        return callers;
    }

    /** A variable set only on a Swarm: {@code !If [condition, value, !Ref AWS::NoValue]}; its value, or null when it is not one. */
    static JsonNode onlyIf(String condition, JsonNode variable) {
        if (variable == null || !variable.at("/Fn::If/0").asText().equals(condition)
                || !variable.at("/Fn::If/2/Ref").asText().equals("AWS::NoValue")) {
            return null;
        }
        return variable.at("/Fn::If/1");
    }

    @Test
    void swarmSettings_reachOnlyTheFunctionsThatNeedThem_andOnlyOnASwarm() {
        assertThat(template.at("/Conditions/OnSwarm/Fn::Equals").toString()).isEqualTo("[{\"Ref\":\"EngineMode\"},\"swarm\"]");
        JsonNode mode = template.at("/Parameters/EngineMode");
        assertThat(mode.get("Default").asText()).isEqualTo("single");
        assertThat(mode.get("AllowedValues")).containsExactly(JSON.valueToTree("single"), JSON.valueToTree("swarm"));
        JsonNode globals = template.at("/Globals/Function/Environment/Variables");
        List<String> swarmVariables = List.of("VM_ENGINE_MODE", "VM_SWARM_PUBLISH_MODE", "VM_REGISTRY", "VM_REGISTRY_AUTH",
                "VM_BUILDER_DOCKER_HOST", "VM_MAX_REPLICAS");
        swarmVariables.forEach(v -> assertThat(globals.has(v)).as(v + " in Globals").isFalse());

        List<String> engine = engineFunctions();
        assertThat(engine).contains("NodesFunction", "ListFunction", "HealthSweepFunction", "DeployWorkerFunction");
        Map<String, List<String>> having = new TreeMap<>();
        functions(template).forEach((name, f) -> {
            JsonNode vars = f.at("/Environment/Variables");
            swarmVariables.forEach(v -> {
                if (vars.has(v)) having.computeIfAbsent(v, k -> new ArrayList<>()).add(name);
            });
            if (!engine.contains(name)) return;
            assertThat(onlyIf("OnSwarm", vars.get("VM_ENGINE_MODE"))).as(name).isEqualTo(JSON.valueToTree("swarm"));
            assertThat(onlyIf("OnSwarm", vars.get("VM_SWARM_PUBLISH_MODE")).at("/Ref").asText()).as(name).isEqualTo("SwarmPublishMode");
            // VmConfig asks for the registry wherever the engine is a Swarm: the stack's repository unless Registry names one.
            JsonNode registry = onlyIf("OnSwarm", vars.get("VM_REGISTRY"));
            assertThat(registry).as(name).isNotNull();
            assertThat(registry.at("/Fn::If/0").asText()).isEqualTo("UseOwnRegistry");
            assertThat(registry.at("/Fn::If/1/Fn::GetAtt").toString()).isEqualTo("[\"AgentsRepository\",\"RepositoryUri\"]");
            assertThat(registry.at("/Fn::If/2/Ref").asText()).isEqualTo("Registry");
        });
        for (String v : List.of("VM_ENGINE_MODE", "VM_SWARM_PUBLISH_MODE", "VM_REGISTRY")) {
            assertThat(having.get(v)).as(v).containsExactlyInAnyOrderElementsOf(engine);
        }
        // The registry's login where services are made or updated; the builder where images are built; the most replicas where requests are read.
        assertThat(having.get("VM_REGISTRY_AUTH")).containsExactlyInAnyOrder("DeployWorkerFunction", "RollbackFunction");
        assertThat(having.get("VM_BUILDER_DOCKER_HOST")).containsExactly("DeployWorkerFunction");
        assertThat(having.get("VM_MAX_REPLICAS")).containsExactlyInAnyOrder("DeployFunction", "BatchDeployFunction", "DeployWorkerFunction");
        JsonNode worker = resources.at("/DeployWorkerFunction/Properties/Environment/Variables");
        assertThat(onlyIf("OnSwarm", worker.get("VM_REGISTRY_AUTH")).at("/Ref").asText()).isEqualTo("RegistryAuth");
        assertThat(onlyIf("UseBuilder", worker.get("VM_BUILDER_DOCKER_HOST")).at("/Ref").asText()).isEqualTo("BuilderDockerHost");
        assertThat(onlyIf("OnSwarm", worker.get("VM_MAX_REPLICAS")).at("/Ref").asText()).isEqualTo("MaxReplicas");

        Map<String, String> defaults = new TreeMap<>();
        for (String p : List.of("EngineMode", "Registry", "RegistryAuth", "BuilderDockerHost", "MaxReplicas", "SwarmPublishMode")) {
            defaults.put(p, template.at("/Parameters/" + p + "/Default").asText());
        }
        assertThat(defaults).isEqualTo(Map.of("EngineMode", "single", "Registry", "", "RegistryAuth", "ecr", "BuilderDockerHost", "",
                "MaxReplicas", "10", "SwarmPublishMode", "ingress"));
        assertThat(template.at("/Parameters/SwarmPublishMode/AllowedValues")).containsExactly(JSON.valueToTree("ingress"), JSON.valueToTree("host"));
    }

    @Test
    void agentsRepository_isMadeOnlyOnASwarmWithoutARegistry_scansOnPush_andExpiresOldImages() throws Exception {
        JsonNode repository = resources.get("AgentsRepository");
        assertThat(repository.get("Type").asText()).isEqualTo("AWS::ECR::Repository");
        assertThat(repository.get("Condition").asText()).isEqualTo("UseOwnRegistry");
        assertThat(template.at("/Conditions/UseOwnRegistry/Fn::And").toString())
                .isEqualTo("[{\"Condition\":\"OnSwarm\"},{\"Fn::Equals\":[{\"Ref\":\"Registry\"},\"\"]}]");
        assertThat(repository.at("/Properties/ImageScanningConfiguration/ScanOnPush").asBoolean()).isTrue();
        String text = repository.at("/Properties/LifecyclePolicy/LifecyclePolicyText/Fn::Sub").asText();
        JsonNode rules = JSON.readTree(text.replace("${RegistryMaxImages}", "1000")).get("rules");
        assertThat(rules).hasSize(2);
        assertThat(rules.at("/0/selection").toString()).isEqualTo(
                "{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":1}");
        assertThat(rules.at("/1/selection/tagStatus").asText()).isEqualTo("tagged");
        assertThat(rules.at("/1/selection/countType").asText()).isEqualTo("imageCountMoreThan");
        assertThat(rules.at("/1/selection/countNumber").asInt()).isEqualTo(1000);
        rules.forEach(r -> assertThat(r.at("/action/type").asText()).isEqualTo("expire"));
        JsonNode limit = template.at("/Parameters/RegistryMaxImages");
        assertThat(List.of(limit.get("Default").asInt(), limit.get("MinValue").asInt(), limit.get("MaxValue").asInt()))
                .containsExactly(1000, 10, 10000);
    }

    @Test
    void noFunction_getsTheDeployQueue_unlessItSendsJobs() {
        functions(template).forEach((name, f) -> {
            boolean sends = f.path("Policies").toString().contains("SQSSendMessagePolicy");
            assertThat(environment(template, f).containsKey("VM_DEPLOY_QUEUE_URL")).as(name).isEqualTo(sends);
        });
    }
}
