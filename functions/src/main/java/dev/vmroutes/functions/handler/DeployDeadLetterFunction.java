package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.functions.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * The dead-letter queue's consumer: a deploy job SQS gave up on ends its deployment {@code failed}
 * (phase and reason in the record), removes what it made and frees the agent. A message whose
 * record cannot be ended now (the table fails) is reported back and comes again.
 */
public final class DeployDeadLetterFunction implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeployDeadLetterFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Priming.register(null);
        Routes.prepareInBackground();
    }

    private final Supplier<VmRoutes> routes;

    public DeployDeadLetterFunction() {
        this(Routes::get);
    }

    public DeployDeadLetterFunction(Supplier<VmRoutes> routes) {
        this.routes = routes;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LogContext.begin(context.getAwsRequestId());
        try {
            work(JSON.readTree(input), output);
        } finally {
            LogContext.end();
        }
    }

    private void work(JsonNode event, OutputStream output) throws IOException {
        var answer = JSON.createObjectNode();
        var failures = answer.putArray("batchItemFailures");
        for (JsonNode record : event.path("Records")) {
            String messageId = record.path("messageId").asText();
            String deploymentId;
            try {
                deploymentId = JSON.readTree(record.path("body").asText()).path("deployment_id").asText();
            } catch (IOException e) {
                LOG.error("dead-lettered message {} is not a deploy job; dropped", messageId);
                continue;
            }
            LogContext.about(deploymentId, null);
            int receives = record.path("attributes").path("ApproximateReceiveCount").asInt(0);
            try {
                routes.get().jobs().abandoned().deadLettered(deploymentId, receives);
            } catch (RuntimeException e) {
                LOG.warn("dead-lettered deployment {} could not be ended now: {}", deploymentId, Redactor.describe(e));
                failures.addObject().put("itemIdentifier", messageId);
            }
        }
        JSON.writeValue(output, answer);
    }
}
