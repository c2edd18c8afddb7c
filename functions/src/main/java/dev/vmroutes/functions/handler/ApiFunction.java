package dev.vmroutes.functions.handler;

import com.amazonaws.serverless.exceptions.ContainerInitializationException;
import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.functions.VmRoutesApplication;
import dev.vmroutes.functions.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The HTTP API functions: each proxies API Gateway HTTP API (v2) events into the one Spring
 * application, built once per execution environment.
 */
public abstract class ApiFunction implements RequestStreamHandler {

    private static final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> HANDLER = createHandler();

    static {
        Priming.register(HANDLER::proxyStream);
    }

    private static SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> createHandler() {
        try {
            Routes.prepareInBackground(); // overlaps the application's start-up below
            return SpringBootLambdaContainerHandler.getHttpApiV2ProxyHandler(VmRoutesApplication.class);
        } catch (ContainerInitializationException e) {
            throw new IllegalStateException("the application did not start", e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LogContext.begin(context.getAwsRequestId());
        try {
            HANDLER.proxyStream(input, output, context);
        } finally {
            LogContext.end();
        }
    }
}
