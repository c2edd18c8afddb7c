package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vmroutes.functions.Routes;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * SnapStart: before the snapshot, sends a request through the function's own handler that
 * exercises what every request does (Spring's dispatch, JSON in and out, validation, the error
 * answer) and has no side effect: a deploy refused with 400 at {@code agent_name}. So those
 * classes are loaded, linked and warm in the snapshot. After a restore, drops the clients so
 * connections, credentials and the TLS secret are opened anew, and builds new ones in the
 * background. A hook never throws: that would fail the version's publication.
 */
final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);
    private static final String REFUSED_DEPLOY = """
            {"version": "2.0", "routeKey": "POST /api/v1/vm/deploy", "rawPath": "/api/v1/vm/deploy", "rawQueryString": "",
             "headers": {"content-type": "application/json", "host": "priming.invalid"},
             "requestContext": {"accountId": "000000000000", "apiId": "priming", "domainName": "priming.invalid",
               "http": {"method": "POST", "path": "/api/v1/vm/deploy", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                        "userAgent": "priming"},
               "requestId": "priming", "routeKey": "POST /api/v1/vm/deploy", "stage": "$default", "timeEpoch": %d,
               "authorizer": {"jwt": {"claims": {"sub": "priming", "scope": "vm:deploy"}, "scopes": ["vm:deploy"]}}},
             "body": "{\\"repo_url\\": \\"https://example.invalid/x.git\\", \\"agent_name\\": \\"-\\"}", "isBase64Encoded": false}
            """;

    private final RequestStreamHandler handler;

    private Priming(RequestStreamHandler handler) {
        this.handler = handler;
    }

    /** @param handler the function's handler, primed with a refused deploy; null primes nothing but the clients */
    static void register(RequestStreamHandler handler) {
        Core.getGlobalContext().register(new Priming(handler));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            if (handler != null) prime(handler);
            Routes.get().store().get("priming");
        } catch (Exception | LinkageError e) {
            LOG.warn("priming failed: {}", e.getMessage());
        }
    }

    private static void prime(RequestStreamHandler handler) throws java.io.IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] event = REFUSED_DEPLOY.formatted(Instant.now().toEpochMilli()).getBytes(StandardCharsets.UTF_8);
        handler.handleRequest(new ByteArrayInputStream(event), answer, new PrimingContext());
        String text = answer.toString(StandardCharsets.UTF_8);
        if (!text.contains("\"statusCode\":400")) LOG.warn("priming request answered unexpectedly: {}", text);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        try {
            Routes.reset();
            Routes.prepareInBackground(); // so the first request after the restore does not pay for new clients
        } catch (RuntimeException e) {
            LOG.warn("could not renew the clients after a restore: {}", e.getMessage());
        }
    }
}
