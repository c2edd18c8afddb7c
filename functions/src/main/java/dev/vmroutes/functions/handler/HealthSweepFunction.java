package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.functions.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;

/** Invoked by the EventBridge schedule: probes every managed container and answers the summary. */
public final class HealthSweepFunction implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Priming.register(null);
        Routes.prepareInBackground();
    }

    private final Supplier<VmRoutes> routes;

    public HealthSweepFunction() {
        this(Routes::get);
    }

    public HealthSweepFunction(Supplier<VmRoutes> routes) {
        this.routes = routes;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the scheduled event carries nothing the sweep needs
        LogContext.begin(context.getAwsRequestId());
        try {
            JSON.writeValue(output, routes.get().sweep());
        } finally {
            LogContext.end();
        }
    }
}
