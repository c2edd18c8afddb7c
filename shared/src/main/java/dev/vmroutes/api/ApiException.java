package dev.vmroutes.api;

/**
 * A failure with the HTTP status and the {@code detail} the API answers with.
 * The detail is always safe to show: callers redact before constructing one.
 */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public ApiException(int status, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    /** 400, naming the field that is wrong. */
    public static ApiException invalid(String field, String problem) {
        return new ApiException(400, field + ": " + problem);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, detail);
    }

    /** 502: a deploy failed in the named phase (clone, build, start). */
    public static ApiException deployFailed(String phase, String reason) {
        return new ApiException(502, "deployment_failed: " + phase + ": " + reason);
    }

    /** 503: the Docker engine or the table could not be reached, and why. */
    public static ApiException unavailable(String what, String reason, Throwable cause) {
        return new ApiException(503, what + " unavailable: " + reason, cause);
    }
}
