package dev.vmroutes.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.VmException;
import dev.vmroutes.app.SqsDeployQueue;
import dev.vmroutes.deploy.DeployJobs;
import dev.vmroutes.deploy.DeployLock;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.functions.bench.ColdStartBench;
import dev.vmroutes.functions.bench.LambdaRuntimeHarness;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestEnvironment;
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
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
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
    static String deadLetterUrl;

    static {
        // The SDK's own setting for a service's endpoint, as AWS_ENDPOINT_URL_SQS would be in the environment.
        System.setProperty("aws.endpointUrlSqs", SQS);
        sqs = SqsClient.builder().endpointOverride(URI.create(SQS)).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).build();
        deadLetterUrl = sqs.createQueue(r -> r.queueName("deploys-dead")).queueUrl();
        String deadLetterArn = sqs.getQueueAttributes(r -> r.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        // As the template's queue, with two receives instead of three so the test waits less.
        queueUrl = sqs.createQueue(r -> r.queueName("deploys").attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\"" + deadLetterArn + "\"}"))).queueUrl();
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
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(5)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
        assertThat(messages).as("a job on the queue").hasSize(1);
        return messages.get(0);
    }

    /** What Lambda's SQS event source does with one message: an event for the worker function, the message deleted on success. */
    static JsonNode deliver(Message message, boolean delete) throws Exception {
        return deliver(message, delete, Map.of());
    }

    static JsonNode deliver(Message message, boolean delete, Map<String, String> extraVariables) throws Exception {
        LambdaRuntimeHarness.ColdStart answer;
        try (var worker = launchWorker(message, "dev.vmroutes.functions.handler.DeployWorkerFunction::handleRequest", extraVariables)) {
            answer = worker.await(Duration.ofMinutes(3));
        }
        JsonNode response = JSON.readTree(answer.response());
        assertThat(response.has("batchItemFailures")).as(answer.response()).isTrue();
        if (delete && response.get("batchItemFailures").isEmpty()) {
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
        return response;
    }

    /** An SQS event holding {@code message}, handed to {@code handler} in a new process under the runtime client; close it to end the process. */
    static LambdaRuntimeHarness.Running launchWorker(Message message, String handler, Map<String, String> extraVariables) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        records.addObject().put("messageId", message.messageId()).put("receiptHandle", message.receiptHandle())
                .put("body", message.body()).put("eventSource", "aws:sqs")
                .put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:deploys").put("awsRegion", "us-east-1")
                .putObject("attributes").put("ApproximateReceiveCount",
                        message.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
        Map<String, String> variables = new HashMap<>(System.getenv());
        variables.put("VM_TABLE_NAME", env.config().tableName());
        variables.put("VM_GIT_ALLOWED_HOSTS", "127.0.0.1");
        variables.put("AWS_LAMBDA_FUNCTION_NAME", handler.replaceAll(".*\\.|::.*", ""));
        variables.putAll(extraVariables);
        return runtime.launch(classpath, List.of(), LambdaRuntimeHarness.RIC_MAIN, handler, variables, false,
                JSON.writeValueAsBytes(event));
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
        assertThat(done.phases()).extracting(Deployment.PhaseTime::phase).contains("clone", "start", "ready");
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

    @Test
    void aJobWhoseClaimIsThrottled_comesBackToTheQueue_andThenRunsOnce() throws Exception {
        try (SignedRequestGate table = new SignedRequestGate(URI.create(TestEnvironment.require("AWS_ENDPOINT_URL_DYNAMODB")), null)) {
            DeployJobs.Accepted accepted = submit(env.body("throttled-claim"));
            Message job = receive();
            table.throttle(true);
            JsonNode failed = deliver(job, true, Map.of("AWS_ENDPOINT_URL_DYNAMODB", table.url()));
            assertThat(failed.get("batchItemFailures")).as("the message goes back").hasSize(1);
            assertThat(failed.get("batchItemFailures").get(0).get("itemIdentifier").asText()).isEqualTo(job.messageId());
            assertThat(env.store.get(accepted.deploymentId()).orElseThrow().status()).isEqualTo("queued");

            table.throttle(false);
            assertThat(deliver(job, true, Map.of("AWS_ENDPOINT_URL_DYNAMODB", table.url())).get("batchItemFailures")).isEmpty();
            JsonNode result = JSON.readTree(env.routes.jobs().await(accepted.deploymentId(), Duration.ofSeconds(5)).orElseThrow());
            assertThat(result.get("status").asText()).isEqualTo("running");
            assertThat(env.agentContainers("throttled-claim")).hasSize(1);
        }
    }

    @Test
    void aJobMovedToTheDeadLetterQueue_endsItsRecordFailed_andFreesTheAgent() throws Exception {
        DeployJobs.Accepted accepted = submit(env.body("dead-lettered"));
        // Two receives without a delete (workers that died before answering), each visible again after a second.
        for (int i = 0; i < 2; i++) {
            assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).visibilityTimeout(1).waitTimeSeconds(5)).messages()).hasSize(1);
            Thread.sleep(1_500);
        }
        // The next receive finds the message past its receive count and moves it, as SQS does.
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
        List<Message> dead = sqs.receiveMessage(r -> r.queueUrl(deadLetterUrl).waitTimeSeconds(5)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
        assertThat(dead).as("moved to the dead-letter queue").hasSize(1);
        LambdaRuntimeHarness.ColdStart answer;
        try (var consumer = launchWorker(dead.get(0), "dev.vmroutes.functions.handler.DeployDeadLetterFunction::handleRequest", Map.of())) {
            answer = consumer.await(Duration.ofMinutes(2));
        }
        assertThat(JSON.readTree(answer.response()).get("batchItemFailures")).isEmpty();
        Deployment ended = env.store.get(accepted.deploymentId()).orElseThrow();
        assertThat(ended.status()).isEqualTo("failed");
        assertThat(ended.failurePhase()).isEqualTo("queue");
        assertThat(ended.failureReason()).contains("dead-letter queue");
        VmException e = catchThrowableOfType(VmException.class, () -> env.routes.jobs().await(accepted.deploymentId(), Duration.ofSeconds(1)));
        assertThat(e.detail()).contains("dead-letter queue");
        assertThat(env.store.readLock("dead-lettered")).as("the agent is free").isEmpty();
    }

    @Test
    void aWorkerKilledAfterStartingTheContainer_isEndedByTheSweep_andItsContainerRemoved() throws Exception {
        String agent = "killed-worker";
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", "import time\ntime.sleep(60)\n" + AgentRepo.HTTP_AGENT));
        env.git.serve(agent, repo.repository());
        DeployJobs.Accepted accepted = submit(env.body(agent).put("repo_url", env.git.url(agent)));
        Message job = receive();
        LambdaRuntimeHarness.Running worker = launchWorker(job, "dev.vmroutes.functions.handler.DeployWorkerFunction::handleRequest",
                Map.of("VM_LOCK_LEASE_SECONDS", "3", "VM_READY_TIMEOUT_SECONDS", "120"));
        try (worker) {
            long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!"waiting_ready".equals(env.store.get(accepted.deploymentId()).orElseThrow().status())) {
                assertThat(System.nanoTime()).as("the deploy reaches waiting_ready").isLessThan(until);
                Thread.sleep(100);
            }
            worker.kill();
        }
        assertThat(env.agentContainers(agent)).as("the container it started").hasSize(1);
        Thread.sleep(4_500); // the lease (3 s) runs out: nobody renews it any more
        assertThat(env.routes.sweep().abandoned()).isGreaterThanOrEqualTo(1);
        Deployment ended = env.store.get(accepted.deploymentId()).orElseThrow();
        assertThat(ended.status()).isEqualTo("failed");
        assertThat(ended.failurePhase()).isEqualTo("ready");
        assertThat(ended.failureReason()).contains("its worker stopped");
        assertThat(env.agentContainers(agent)).as("what it made is removed").isEmpty();
        assertThat(env.store.readLock(agent)).as("the agent is free").isEmpty();
    }

    @Test
    void aQueueThatRefusesTheJob_is503_theRecordFailedInQueue_andTheAgentFree() {
        DeploymentRecords records = new DeploymentRecords(env.store);
        DeployJobs refusing = new DeployJobs(env.routes.deploy(), env.routes.parser(), records,
                new DeployLock(records, Duration.ofMinutes(5), Duration.ofSeconds(60), Clock.systemUTC()),
                new AgentContainers(env.docker, "127.0.0.1"), Duration.ofMinutes(5), Clock.systemUTC(),
                j -> new SqsDeployQueue(sqs, queueUrl + "-deleted"));
        String agent = "refused-by-queue";
        var body = env.body(agent);
        VmException e = catchThrowableOfType(VmException.class, () -> refusing.submit(env.routes.parser().parse(body), body));
        assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE);
        assertThat(e.detail()).startsWith("the deploy queue unavailable: ");
        Deployment failed = env.store.findByAgent(agent, 10).get(0);
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.failurePhase()).isEqualTo("queue");
        assertThat(failed.request()).as("an ended record keeps no request").isNull();
        assertThat(env.store.readLock(agent)).as("the agent is free").isEmpty();
    }
}
