package dev.vmroutes.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.VmException;
import dev.vmroutes.deploy.DeployJobs;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The deploy queue on AWS: one SQS message per deploy ({@code {"deployment_id", "request"}}),
 * for the worker function. The queue is encrypted at rest; the message is deleted once the worker
 * has run, so an inline token lives no longer than its job.
 */
public record SqsDeployQueue(SqsClient sqs, String queueUrl) implements DeployJobs.Queue {

    /** The largest message sent: the queue's MaximumMessageSize in template.yaml is at least this. */
    public static final int MAX_MESSAGE_BYTES = 262_144;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void send(String deploymentId, JsonNode requestBody) {
        String message = JSON.createObjectNode().put("deployment_id", deploymentId).set("request", requestBody).toString();
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message));
        } catch (SdkException e) {
            throw VmException.unavailable("the deploy queue", e.getClass().getSimpleName(), e);
        }
    }
}
