package dev.vmroutes.bench.bare;

import com.amazonaws.serverless.exceptions.ContainerInitializationException;
import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The second baseline: a bare Spring Boot app with one route behind the same container handler.
 * Its package lies outside dev.vmroutes.functions so the application never scans it.
 */
public final class BareSpringFunction implements RequestStreamHandler {

    private static final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> HANDLER;

    static {
        try {
            HANDLER = SpringBootLambdaContainerHandler.getHttpApiV2ProxyHandler(BareApp.class);
        } catch (ContainerInitializationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HANDLER.proxyStream(input, output, context);
    }

    @SpringBootApplication(proxyBeanMethods = false)
    public static class BareApp {
    }

    @RestController
    public static class HelloController {
        @GetMapping("/api/v1/vm/list")
        public String hello() {
            return "[]";
        }
    }
}
