package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.app.SqsDeployQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.vmroutes.functions.CloudFormationTemplate.JSON;
import static dev.vmroutes.functions.CloudFormationTemplate.environment;
import static dev.vmroutes.functions.CloudFormationTemplate.functions;
import static dev.vmroutes.functions.CloudFormationTemplate.setting;
import static dev.vmroutes.functions.CloudFormationTemplate.target;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * template.yaml against the limits AWS documents for Lambda, SQS and API Gateway, each named with
 * its page. The SAM schema does not know them, and CloudFormation refuses a stack that breaks one
 * only when it is deployed. Each check is also run on a copy of the template broken on purpose, and
 * must refuse it.
 */
class TemplateConstraintsTest {

    /** A documented limit: what breaks it in a template, and a way to break it in a copy of ours. */
    record Constraint(String name, String documentation, Function<JsonNode, List<String>> violations,
                      Consumer<ObjectNode> breakIt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String SNAPSTART = "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html#snapstart-runtimes";
    static final String SQS_VISIBILITY = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-queueconfig";
    static final String HTTP_API_QUOTAS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html";
    static final String ENV_VARS = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime";
    static final String LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html";
    static final String SQS_QUEUE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html";
    static final String SQS_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency";
    static final String SQS_DLQ = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html";
    static final String DYNAMODB_NAMES = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html";
    static final String SQS_QUOTAS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html";

    /** Names Lambda sets itself and refuses in a function's configuration. */
    static final Set<String> RESERVED_VARIABLES = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
            "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
            "LAMBDA_RUNTIME_DIR", "TZ");
    static final int ENVIRONMENT_BYTES = 4 * 1024;
    static final int HTTP_API_INTEGRATION_SECONDS = 30;
    /** Lambda's and SQS's defaults when a template leaves a setting out. */
    static final int DEFAULT_TIMEOUT = 3;
    static final int DEFAULT_EPHEMERAL_MB = 512;
    static final int DEFAULT_VISIBILITY_TIMEOUT = 30;
    static final int DEFAULT_RETENTION_SECONDS = 345_600;
    /** A DynamoDB table's name is at most 255 characters ({@link #DYNAMODB_NAMES}). */
    static final int TABLE_NAME_CHARS = 255;
    /**
     * A queue's URL: https://sqs.&lt;region&gt;.amazonaws.com[.cn]/&lt;12-digit account&gt;/&lt;name&gt;, the name at
     * most 80 characters ({@link #SQS_QUOTAS}), the region's name taken at 25.
     */
    static final int QUEUE_URL_CHARS = "https://sqs.".length() + 25 + ".amazonaws.com.cn/".length() + 12 + 1 + 80;

    /** A user pool client's id: at most 128 characters (the Cognito API's ClientId). */
    static final int COGNITO_CLIENT_ID_CHARS = 128;
    /** A user pool's issuer: https://cognito-idp.&lt;region&gt;.amazonaws.com[.cn]/&lt;pool id, at most 55&gt;. */
    static final int COGNITO_ISSUER_CHARS = "https://cognito-idp.".length() + 25 + ".amazonaws.com.cn/".length() + 55;

    /**
     * An ECR repository's URI: &lt;12-digit account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com[.cn]/&lt;name, at most
     * 256 characters&gt; (the ECR API's repositoryName), the region's name taken at 25.
     */
    static final int ECR_REPOSITORY_URI_CHARS = 12 + ".dkr.ecr.".length() + 25 + ".amazonaws.com.cn/".length() + 256;

    static JsonNode template;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationTemplate.load();
    }

    static Stream<Constraint> constraints() {
        return Stream.of(
                new Constraint("SnapStart: ephemeral storage at most 512 MB", SNAPSTART,
                        TemplateConstraintsTest::snapStartStorage,
                        t -> function(t, "DeployWorkerFunction").remove("SnapStart")),
                new Constraint("SnapStart: no provisioned concurrency", SNAPSTART,
                        t -> onSnapStart(t, "ProvisionedConcurrencyConfig"),
                        t -> function(t, "ListFunction").putObject("ProvisionedConcurrencyConfig")
                                .put("ProvisionedConcurrentExecutions", 1)),
                new Constraint("SnapStart: no EFS", SNAPSTART,
                        t -> onSnapStart(t, "FileSystemConfigs"),
                        t -> function(t, "HealthSweepFunction").putArray("FileSystemConfigs").addObject()
                                .put("Arn", "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1").put("LocalMountPath", "/mnt/x")),
                new Constraint("SQS: a queue's visibility timeout at least six times its function's timeout", SQS_VISIBILITY,
                        TemplateConstraintsTest::visibilityTimeouts,
                        t -> function(t, "DeployWorkerFunction").put("Timeout", 901)),
                new Constraint("HTTP API: a function answers within the 30 s integration timeout", HTTP_API_QUOTAS,
                        TemplateConstraintsTest::apiTimeouts,
                        t -> function(t, "DeployFunction").put("Timeout", 31)),
                new Constraint("HTTP API: a function's timeout leaves the request deadline + 3 s to answer", HTTP_API_QUOTAS,
                        TemplateConstraintsTest::apiTimeouts,
                        t -> ((ObjectNode) t.at("/Globals/Function/Environment/Variables")).put("VM_REQUEST_DEADLINE_SECONDS", "28")),
                new Constraint("Lambda: no reserved environment variable names", ENV_VARS,
                        TemplateConstraintsTest::reservedVariables,
                        t -> function(t, "StopFunction").withObject("/Environment/Variables").put("AWS_REGION", "us-east-1")),
                new Constraint("Lambda: environment variables within 4 KB per function", LAMBDA_QUOTAS,
                        TemplateConstraintsTest::environmentSizes,
                        t -> ((ObjectNode) t.at("/Parameters/GitAllowedHosts")).put("MaxLength", 4096)),
                new Constraint("Lambda: environment variables within 4 KB per function, a Swarm's settings with them", LAMBDA_QUOTAS,
                        TemplateConstraintsTest::environmentSizes,
                        t -> function(t, "DeployWorkerFunction").withObject("/Environment/Variables").remove("VM_IAM_PRINCIPALS_SECRET")),
                new Constraint("Lambda: environment variables bounded (every !Ref has a maximum)", LAMBDA_QUOTAS,
                        TemplateConstraintsTest::environmentSizes,
                        t -> ((ObjectNode) t.at("/Parameters/PublishAddress")).remove("MaxLength")),
                new Constraint("SQS: the deploy queues take the largest message the code sends", SQS_QUEUE,
                        TemplateConstraintsTest::messageSizes,
                        t -> ((ObjectNode) t.at("/Resources/DeployDeadLetterQueue/Properties")).put("MaximumMessageSize", 1024)),
                new Constraint("SQS event source: MaximumConcurrency within 2..1000", SQS_SCALING,
                        TemplateConstraintsTest::maximumConcurrency,
                        t -> ((ObjectNode) t.at("/Parameters/MaxConcurrentBuilds")).put("MinValue", 1)),
                new Constraint("SQS: a dead-letter queue keeps messages longer than its source queue", SQS_DLQ,
                        TemplateConstraintsTest::deadLetterRetention,
                        t -> ((ObjectNode) t.at("/Resources/DeployDeadLetterQueue/Properties")).put("MessageRetentionPeriod", 86400)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constraints")
    void template_obeysTheDocumentedConstraint(Constraint constraint) {
        assertThat(constraint.violations().apply(template)).as(constraint.documentation()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constraints")
    void aTemplateThatBreaksTheConstraint_isRefused(Constraint constraint) {
        ObjectNode broken = template.deepCopy();
        constraint.breakIt().accept(broken);
        assertThat(constraint.violations().apply(broken)).as(constraint.documentation()).isNotEmpty();
    }

    static ObjectNode function(JsonNode t, String name) {
        return (ObjectNode) t.at("/Resources/" + name + "/Properties");
    }

    static boolean snapStart(JsonNode t, JsonNode function) {
        return setting(t, function, "SnapStart").path("ApplyOn").asText("None").equals("PublishedVersions");
    }

    static List<String> snapStartStorage(JsonNode t) {
        List<String> violations = new ArrayList<>();
        functions(t).forEach((name, f) -> {
            int storage = setting(t, f, "EphemeralStorage").path("Size").asInt(DEFAULT_EPHEMERAL_MB);
            if (snapStart(t, f) && storage > 512) violations.add(name + ": SnapStart with " + storage + " MB of ephemeral storage");
        });
        return violations;
    }

    static List<String> onSnapStart(JsonNode t, String setting) {
        List<String> violations = new ArrayList<>();
        functions(t).forEach((name, f) -> {
            if (snapStart(t, f) && !setting(t, f, setting).isMissingNode()) violations.add(name + ": SnapStart with " + setting);
        });
        return violations;
    }

    static int timeout(JsonNode t, JsonNode function) {
        return setting(t, function, "Timeout").asInt(DEFAULT_TIMEOUT);
    }

    /** Every SQS event source, as {function name, the queue's logical id}. */
    static List<String[]> sqsSources(JsonNode t) {
        List<String[]> sources = new ArrayList<>();
        functions(t).forEach((name, f) -> f.path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("SQS")) sources.add(new String[] {name, target(e.at("/Properties/Queue"))});
        }));
        return sources;
    }

    static List<String> visibilityTimeouts(JsonNode t) {
        List<String> violations = new ArrayList<>();
        for (String[] source : sqsSources(t)) {
            JsonNode queue = t.at("/Resources/" + source[1] + "/Properties");
            if (source[1] == null || queue.isMissingNode()) {
                violations.add(source[0] + ": its queue is not one of the template's");
                continue;
            }
            int visibility = queue.path("VisibilityTimeout").asInt(DEFAULT_VISIBILITY_TIMEOUT);
            int timeout = timeout(t, t.at("/Resources/" + source[0] + "/Properties"));
            if (visibility < 6 * timeout) {
                violations.add(source[1] + ": visibility timeout " + visibility + " s, below six times " + source[0] + "'s " + timeout + " s");
            }
        }
        return violations;
    }

    static List<String> apiTimeouts(JsonNode t) {
        List<String> violations = new ArrayList<>();
        functions(t).forEach((name, f) -> {
            if (!f.path("Events").findValuesAsText("Type").contains("HttpApi")) return;
            int timeout = timeout(t, f);
            JsonNode deadline = environment(t, f).get("VM_REQUEST_DEADLINE_SECONDS");
            if (deadline == null) {
                violations.add(name + ": no VM_REQUEST_DEADLINE_SECONDS");
                return;
            }
            int requestDeadline = deadline.asInt();
            if (timeout > HTTP_API_INTEGRATION_SECONDS) violations.add(name + ": timeout " + timeout + " s, past the HTTP API's 30 s");
            // The deadline, then 2 s to record and clean up and 1 s for interrupted work to answer.
            if (requestDeadline + 3 > timeout) violations.add(name + ": timeout " + timeout + " s, within the request deadline + 3 s");
        });
        return violations;
    }

    static List<String> reservedVariables(JsonNode t) {
        List<String> violations = new ArrayList<>();
        functions(t).forEach((name, f) -> environment(t, f).keySet().stream().filter(RESERVED_VARIABLES::contains)
                .forEach(v -> violations.add(name + ": " + v + " is reserved")));
        return violations;
    }

    /**
     * Each function's variables as Lambda measures them (the JSON of the map), every value at its
     * largest: a literal as written, a parameter at its MaxLength (or its MaxValue's digits), a
     * table's or queue's name at the length AWS allows.
     */
    static List<String> environmentSizes(JsonNode t) {
        List<String> violations = new ArrayList<>();
        functions(t).forEach((name, f) -> {
            Map<String, String> largest = new LinkedHashMap<>();
            environment(t, f).forEach((key, value) -> {
                int bound = largestValue(t, value);
                if (bound < 0) violations.add(name + ": " + key + " has no bound (" + value + ")");
                else largest.put(key, "x".repeat(bound));
            });
            int bytes;
            try {
                bytes = JSON.writeValueAsString(largest).getBytes(StandardCharsets.UTF_8).length;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (bytes > ENVIRONMENT_BYTES) violations.add(name + ": variables up to " + bytes + " bytes, above 4 KB");
        });
        return violations;
    }

    /** The most characters a variable's value can have when deployed, or -1 when the template does not bound it. */
    static int largestValue(JsonNode t, JsonNode value) {
        if (value.isValueNode()) return value.asText().getBytes(StandardCharsets.UTF_8).length;
        // No variable at all: counted as an empty one, its name included.
        if (value.path("Ref").asText().equals("AWS::NoValue")) return 0;
        if (value.has("Fn::If")) {
            int either = Math.min(largestValue(t, value.at("/Fn::If/1")), largestValue(t, value.at("/Fn::If/2")));
            return either < 0 ? -1 : Math.max(largestValue(t, value.at("/Fn::If/1")), largestValue(t, value.at("/Fn::If/2")));
        }
        if (value.at("/Fn::GetAtt/1").asText().equals("ProviderURL")
                && t.at("/Resources/" + value.at("/Fn::GetAtt/0").asText() + "/Type").asText().equals("AWS::Cognito::UserPool")) {
            return COGNITO_ISSUER_CHARS;
        }
        if (value.at("/Fn::GetAtt/1").asText().equals("RepositoryUri")
                && t.at("/Resources/" + value.at("/Fn::GetAtt/0").asText() + "/Type").asText().equals("AWS::ECR::Repository")) {
            return ECR_REPOSITORY_URI_CHARS;
        }
        if (value.path("Fn::Sub").isTextual()) return largestSub(t, value.get("Fn::Sub").asText());
        if (!value.has("Ref")) return -1;
        String ref = value.get("Ref").asText();
        JsonNode parameter = t.at("/Parameters/" + ref);
        if (!parameter.isMissingNode()) {
            if (parameter.path("Type").asText().equals("Number")) {
                return parameter.has("MaxValue") && parameter.has("MinValue")
                        ? Math.max(parameter.get("MaxValue").asText().length(), parameter.get("MinValue").asText().length()) : -1;
            }
            return parameter.path("MaxLength").asInt(-1);
        }
        return switch (t.at("/Resources/" + ref + "/Type").asText()) {
            case "AWS::DynamoDB::Table" -> TABLE_NAME_CHARS;
            case "AWS::SQS::Queue" -> QUEUE_URL_CHARS;
            case "AWS::Cognito::UserPoolClient" -> COGNITO_CLIENT_ID_CHARS;
            default -> -1;
        };
    }

    /** A region's code at its longest (ap-southeast-5, us-gov-west-1...), with room to spare. */
    static final int REGION_CHARS = 20;

    /** A {@code Fn::Sub} text with each {@code ${Name}} at its longest; -1 when one has no bound. */
    static int largestSub(JsonNode t, String text) {
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(text);
        int total = 0;
        int last = 0;
        while (names.find()) {
            total += text.substring(last, names.start()).getBytes(StandardCharsets.UTF_8).length;
            int part = names.group(1).equals("AWS::Region") ? REGION_CHARS
                    : largestValue(t, JSON.createObjectNode().put("Ref", names.group(1)));
            if (part < 0) return -1;
            total += part;
            last = names.end();
        }
        return total + text.substring(last).getBytes(StandardCharsets.UTF_8).length;
    }

    /** The queues a function sends deploy jobs to (its VM_DEPLOY_QUEUE_URL), and the dead-letter queues behind them. */
    static Set<String> deployQueues(JsonNode t) {
        Set<String> queues = new LinkedHashSet<>();
        functions(t).forEach((name, f) -> {
            JsonNode url = environment(t, f).get("VM_DEPLOY_QUEUE_URL");
            if (url != null) queues.add(target(url));
        });
        for (String queue : List.copyOf(queues)) {
            JsonNode dlq = t.at("/Resources/" + queue + "/Properties/RedrivePolicy/deadLetterTargetArn");
            if (!dlq.isMissingNode()) queues.add(target(dlq));
        }
        return queues;
    }

    static List<String> messageSizes(JsonNode t) {
        List<String> violations = new ArrayList<>();
        Set<String> queues = deployQueues(t);
        if (queues.isEmpty()) violations.add("no function sends to a deploy queue");
        for (String queue : queues) {
            // Explicit: the default has changed before (256 KiB, then 1 MiB), the code's limit has not.
            JsonNode size = t.at("/Resources/" + queue + "/Properties/MaximumMessageSize");
            if (size.isMissingNode() || size.asInt() < SqsDeployQueue.MAX_MESSAGE_BYTES) {
                violations.add(queue + ": MaximumMessageSize " + size.asText("unset") + ", below " + SqsDeployQueue.MAX_MESSAGE_BYTES);
            }
        }
        return violations;
    }

    static List<String> maximumConcurrency(JsonNode t) {
        List<String> violations = new ArrayList<>();
        functions(t).forEach((name, f) -> f.path("Events").forEach(e -> {
            JsonNode max = e.at("/Properties/ScalingConfig/MaximumConcurrency");
            if (max.isMissingNode()) return;
            List<Integer> values = new ArrayList<>();
            if (max.has("Ref")) {
                JsonNode parameter = t.at("/Parameters/" + max.get("Ref").asText());
                for (String bound : List.of("MinValue", "MaxValue", "Default")) {
                    if (!parameter.has(bound)) violations.add(name + ": MaximumConcurrency's parameter has no " + bound);
                    else values.add(parameter.get(bound).asInt());
                }
            } else {
                values.add(max.asInt());
            }
            values.stream().filter(v -> v < 2 || v > 1000).forEach(v -> violations.add(name + ": MaximumConcurrency may be " + v));
        }));
        return violations;
    }

    static List<String> deadLetterRetention(JsonNode t) {
        List<String> violations = new ArrayList<>();
        t.get("Resources").fields().forEachRemaining(r -> {
            JsonNode dlq = r.getValue().at("/Properties/RedrivePolicy/deadLetterTargetArn");
            if (dlq.isMissingNode()) return;
            int source = r.getValue().at("/Properties/MessageRetentionPeriod").asInt(DEFAULT_RETENTION_SECONDS);
            int kept = t.at("/Resources/" + target(dlq) + "/Properties/MessageRetentionPeriod").asInt(DEFAULT_RETENTION_SECONDS);
            if (kept <= source) violations.add(target(dlq) + ": keeps messages " + kept + " s, not longer than " + r.getKey() + "'s " + source + " s");
        });
        return violations;
    }
}
