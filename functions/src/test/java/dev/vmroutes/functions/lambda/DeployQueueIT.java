package dev.vmroutes.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.VmException;
import dev.vmroutes.deploy.DeployJobs;
import dev.vmroutes.functions.bench.ColdStartBench;
import dev.vmroutes.functions.bench.LambdaRuntimeHarness;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.TestRoutes;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vmroutes.functions.lambda.ApiEvents.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The deploy queue as it runs on AWS, with SQS served by ElasticMQ on loopback: the deploy route's
 * part sends the job; the test plays the event source mapping (receive, hand the worker function
 * an SQS event under the real runtime client, delete on success); the worker runs the deploy and
 * records its answer. A job delivered again does nothing; a failing job ends failed with its phase.
 */
class DeployQueueIT {

    static final SQSRestServer sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    static final String SQS = "http://127.0.0.1:" + sqsServer.waitUntilStarted().localAddress().getPort();
    static SqsClient sqs;
    static String queueUrl;

    static {
        // The SDK's own setting for a service's endpoint, as AWS_ENDPOINT_URL_SQS would be in the environment.
        System.setProperty("aws.endpointUrlSqs", SQS);
        sqs = SqsClient.builder().endpointOverride(URI.create(SQS)).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).build();
        queueUrl = sqs.createQueue(r -> r.queueName("deploys")).queueUrl();
    }

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_DEPLOY_QUEUE_URL", queueUrl);
    static LambdaRuntimeHarness runtime;
    static List<Path> classpath;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("vmroutes.root", "..");
        runtime = new LambdaRuntimeHarness();
        classpath = ColdStartBench.functionClasspath(work.resolve("task"));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) runtime.close();
        if (sqs != null) sqs.close();
        sqsServer.stopAndWait();
    }

    /** The job the route sent: what SQS holds for it. */
    static Message receive() {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(5)).messages();
        assertThat(messages).as("a job on the queue").hasSize(1);
        return messages.get(0);
    }

    /** What Lambda's SQS event source does with one message: an event for the worker function, the message deleted on success. */
    static JsonNode deliver(Message message, boolean delete) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        records.addObject().put("messageId", message.messageId()).put("receiptHandle", message.receiptHandle())
                .put("body", message.body()).put("eventSource", "aws:sqs")
                .put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:deploys").put("awsRegion", "us-east-1")
                .putObject("attributes").put("ApproximateReceiveCount", "1");
        Map<String, String> variables = new HashMap<>(System.getenv());
        variables.put("VM_TABLE_NAME", env.config().tableName());
        variables.put("VM_GIT_ALLOWED_HOSTS", "127.0.0.1");
        variables.put("AWS_LAMBDA_FUNCTION_NAME", "DeployWorkerFunction");
        var answer = runtime.start(classpath, List.of(), LambdaRuntimeHarness.RIC_MAIN,
                "dev.vmroutes.functions.handler.DeployWorkerFunction::handleRequest", variables, false,
                JSON.writeValueAsBytes(event), Duration.ofMinutes(3));
        JsonNode response = JSON.readTree(answer.response());
        assertThat(response.has("batchItemFailures")).as(answer.response()).isTrue();
        if (delete && response.get("batchItemFailures").isEmpty()) {
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
        return response;
    }

    static DeployJobs.Accepted submit(ObjectNode body) {
        env.removeAfterwards(body.get("agent_name").asText());
        return env.routes.jobs().submit(env.routes.parser().parse(body), body);
    }

    @Test
    void aQueuedDeploy_runsInTheWorkerFunction_once() throws Exception {
        DeployJobs.Accepted accepted = submit(env.body("queued-on-sqs"));
        Message job = receive();
        assertThat(JSON.readTree(job.body()).get("deployment_id").asText()).isEqualTo(accepted.deploymentId());
        assertThat(env.store.get(accepted.deploymentId()).orElseThrow().status()).isEqualTo("queued");

        assertThat(deliver(job, true).get("batchItemFailures")).isEmpty();
        JsonNode result = JSON.readTree(env.routes.jobs().await(accepted.deploymentId(), Duration.ofSeconds(5)).orElseThrow());
        assertThat(result.get("status").asText()).isEqualTo("running");
        assertThat(result.get("ready").asBoolean()).isTrue();
        Deployment done = env.store.get(accepted.deploymentId()).orElseThrow();
        assertThat(done.phases()).extracting(Deployment.PhaseTime::phase).contains("clone", "build", "start", "ready");
        assertThat(done.answerBody()).doesNotContain(env.token);

        // The same message again (a redelivery): the deployment is claimed already, nothing happens.
        assertThat(deliver(job, false).get("batchItemFailures")).isEmpty();
        assertThat(env.store.get(accepted.deploymentId()).orElseThrow().version()).isEqualTo(done.version());
        assertThat(env.agentContainers("queued-on-sqs")).hasSize(1);
    }

    @Test
    void aFailingJob_endsFailedWithItsPhase_andIsNotRedelivered() throws Exception {
        DeployJobs.Accepted accepted = submit(env.body("failing-on-sqs").put("branch", "nowhere"));
        assertThat(deliver(receive(), true).get("batchItemFailures")).isEmpty();
        VmException e = catchThrowableOfType(VmException.class,
                () -> env.routes.jobs().await(accepted.deploymentId(), Duration.ofSeconds(5)));
        assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
        assertThat(e.detail()).startsWith("deployment_failed: clone: ");
        Deployment failed = env.store.get(accepted.deploymentId()).orElseThrow();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.failurePhase()).isEqualTo("clone");
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
    }
}
