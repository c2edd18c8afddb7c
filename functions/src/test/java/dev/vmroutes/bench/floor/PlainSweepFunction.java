package dev.vmroutes.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.config.VmConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The floor under the sweep function's cold start: a plain handler that builds the same clients
 * when invoked and makes the sweep's calls (the engine's list over mutual TLS, a probe per
 * container, the table's scan and writes), and nothing else of ours: no CRaC hook, no start-up
 * in the background.
 */
public final class PlainSweepFunction implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        try (VmRoutes routes = VmRoutes.create(VmConfig.fromEnvironment(System.getenv()))) {
            new ObjectMapper().writeValue(output, routes.agents().sweep().sweep());
        }
    }
}
