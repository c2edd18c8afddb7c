package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.manager.VmManager;
import dev.vmroutes.manager.VmManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Invoked by the EventBridge schedule: probes every managed container and answers the summary. */
public final class HealthSweepFunction implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Priming.register();
        VmManagerFactory.prepareInBackground();
    }

    private final java.util.function.Supplier<VmManager> manager;

    public HealthSweepFunction() {
        this(VmManagerFactory::shared);
    }

    public HealthSweepFunction(java.util.function.Supplier<VmManager> manager) {
        this.manager = manager;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the scheduled event carries nothing the sweep needs
        JSON.writeValue(output, manager.get().sweep());
    }
}
