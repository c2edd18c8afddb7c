package dev.vmroutes.api;

import org.slf4j.MDC;

import java.util.Map;

/**
 * What every log line carries where it is known (the logging backend's MDC): the request's id,
 * and the deployment and agent the work is about.
 */
public final class LogContext {

    public static final String REQUEST_ID = "requestId";
    public static final String DEPLOYMENT_ID = "deploymentId";
    public static final String AGENT = "agent";

    private LogContext() {
    }

    /** For the rest of the current request or job: the deployment and its agent (either may be null: left as it is). */
    public static void about(String deploymentId, String agent) {
        if (deploymentId != null) MDC.put(DEPLOYMENT_ID, deploymentId);
        if (agent != null) MDC.put(AGENT, agent);
    }

    /** Starts a request or a job on this thread: nothing from the last one, this id. */
    public static void begin(String requestId) {
        MDC.clear();
        if (requestId != null) MDC.put(REQUEST_ID, requestId);
    }

    public static void end() {
        MDC.clear();
    }

    /** {@code task} run on another thread with what this thread's lines carry now; that thread's own come back after. */
    public static Runnable carriedTo(Runnable task) {
        Map<String, String> carried = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> own = MDC.getCopyOfContextMap();
            set(carried);
            try {
                task.run();
            } finally {
                set(own);
            }
        };
    }

    private static void set(Map<String, String> context) {
        if (context == null) MDC.clear();
        else MDC.setContextMap(context);
    }
}
