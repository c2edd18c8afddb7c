package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.functions.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * The deploy queue's worker: SQS hands it one message at a time ({@code {"deployment_id",
 * "carried"}}); it runs the deploy within the worker's deadline and records the answer. A job
 * whose record could not be read or claimed because the table failed is reported back
 * ({@code ReportBatchItemFailures}), so SQS delivers it again; any other outcome is in the
 * deployment's record, and a message delivered again finds its deployment claimed and does nothing.
 */
public final class DeployWorkerFunction implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeployWorkerFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Priming.register(null);
        Routes.prepareInBackground();
    }

    private final Supplier<VmRoutes> routes;

    public DeployWorkerFunction() {
        this(Routes::get);
    }

    public DeployWorkerFunction(Supplier<VmRoutes> routes) {
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
        VmRoutes vm = routes.get();
        var answer = JSON.createObjectNode();
        var failures = answer.putArray("batchItemFailures");
        for (JsonNode record : event.path("Records")) {
            String messageId = record.path("messageId").asText();
            JsonNode message;
            try {
                message = JSON.readTree(record.path("body").asText());
            } catch (IOException e) {
                LOG.error("message {} is not a deploy job; dropped", messageId);
                continue;
            }
            String deploymentId = message.path("deployment_id").asText();
            LogContext.about(deploymentId, null);
            try {
                Deadline.run(vm.config().deploys().workerDeadline(), VmRoutes.AFTER_DEADLINE, () -> {
                    vm.jobs().run(deploymentId, message.path("carried"));
                    return null;
                });
            } catch (VmException e) {
                if (e.kind() == VmException.Kind.UNAVAILABLE) {
                    LOG.warn("deployment {} goes back to the queue: {}", deploymentId, Redactor.describe(e));
                    failures.addObject().put("itemIdentifier", messageId);
                } else {
                    LOG.error("deployment {} was not run: {}", deploymentId, Redactor.describe(e));
                }
            } catch (RuntimeException e) {
                LOG.error("deployment {} was not run: {}", deploymentId, Redactor.describe(e));
            }
        }
        JSON.writeValue(output, answer);
    }
}
