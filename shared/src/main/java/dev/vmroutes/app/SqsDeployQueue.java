package dev.vmroutes.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Tracing;
import dev.vmroutes.api.VmException;
import dev.vmroutes.deploy.DeployJobs;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;

import java.util.Map;

/**
 * The deploy queue on AWS: one SQS message per deploy ({@code {"deployment_id", "carried"}}),
 * for the worker function. The message carries only what is never stored in the table (inline
 * credentials, environment values); the queue is encrypted at rest, and the message is deleted
 * once the worker has run, so a token lives no longer than its job.
 */
public record SqsDeployQueue(SqsClient sqs, String queueUrl) implements DeployJobs.Queue {

    /** SQS's largest message (256 KiB); the template's queue allows it. */
    public static final int MAX_MESSAGE_BYTES = 262_144;

    @Override
    public void send(String deploymentId, ObjectNode carried) {
        String message = DeployJobs.Queue.message(deploymentId, carried);
        try {
            // The trace goes on in the worker: SQS hands the header to the worker's invocation, and X-Ray links the two.
            String trace = Tracing.currentHeader();
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message).messageSystemAttributes(trace == null ? Map.of()
                    : Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                            MessageSystemAttributeValue.builder().dataType("String").stringValue(trace).build())));
        } catch (SdkException e) {
            throw VmException.unavailable("the deploy queue", e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public int maxMessageBytes() {
        return MAX_MESSAGE_BYTES;
    }
}
