package dev.vmroutes.bench.floor;

import com.amazonaws.serverless.exceptions.ContainerInitializationException;
import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vmroutes.api.Results;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.config.VmConfig;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The floor under the list function's cold start: the bare Spring Boot app behind the same
 * container handler, whose one route makes the calls the first list request must make (the
 * engine's list over mutual TLS and the table's scan) with the same clients, built when the
 * request needs them, and nothing else of ours: no priming, no filters, no background start-up.
 */
public final class BareSpringListFunction implements RequestStreamHandler {

    private static final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> HANDLER;

    static {
        try {
            HANDLER = SpringBootLambdaContainerHandler.getHttpApiV2ProxyHandler(ListApp.class);
        } catch (ContainerInitializationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HANDLER.proxyStream(input, output, context);
    }

    @SpringBootApplication(proxyBeanMethods = false)
    public static class ListApp {
    }

    @RestController
    public static class ListController {
        private VmRoutes routes;

        @GetMapping("/api/v1/vm/list")
        public synchronized List<Results.Listed> list() {
            if (routes == null) routes = VmRoutes.create(VmConfig.fromEnvironment(System.getenv()));
            return routes.agents().list().list();
        }
    }
}
