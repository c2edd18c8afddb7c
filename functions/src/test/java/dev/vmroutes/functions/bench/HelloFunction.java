package dev.vmroutes.functions.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The baseline: the least a Java function can do. */
public final class HelloFunction implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write("{\"statusCode\":200,\"body\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
    }
}
