package dev.vmroutes.api;

/**
 * A failure the caller is told about: what kind it is and a {@code detail} that is always safe to
 * show (callers redact before constructing one). The edge maps kinds to status codes.
 */
public class VmException extends RuntimeException {

    public enum Kind {
        /** The request is wrong; the detail names the field. */
        INVALID,
        NOT_FOUND,
        /** No valid credential. */
        UNAUTHORIZED,
        /** The credential does not allow this; the detail names the scope or the field. */
        FORBIDDEN,
        CONFLICT,
        /** A deploy failed in a named phase (clone, build, start, ready). */
        DEPLOY_FAILED,
        /** The Docker engine, the table or the secret store could not be reached. */
        UNAVAILABLE,
        /** The request is well formed but larger than what carries or stores it; the detail names the field. */
        TOO_LARGE
    }

    private final Kind kind;

    public VmException(Kind kind, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public String detail() {
        return getMessage();
    }

    /** Invalid input, naming the field that is wrong. */
    public static VmException invalid(String field, String problem) {
        return new VmException(Kind.INVALID, field + ": " + problem, null);
    }

    public static VmException notFound(String detail) {
        return new VmException(Kind.NOT_FOUND, detail, null);
    }

    public static VmException unauthorized(String detail) {
        return new VmException(Kind.UNAUTHORIZED, detail, null);
    }

    public static VmException forbidden(String detail) {
        return new VmException(Kind.FORBIDDEN, detail, null);
    }

    public static VmException conflict(String detail) {
        return new VmException(Kind.CONFLICT, detail, null);
    }

    public static VmException deployFailed(String phase, String reason) {
        return new VmException(Kind.DEPLOY_FAILED, "deployment_failed: " + phase + ": " + reason, null);
    }

    public static VmException tooLarge(String field, String problem) {
        return new VmException(Kind.TOO_LARGE, field + ": " + problem, null);
    }

    /** What could not be reached, and why. */
    public static VmException unavailable(String what, String reason, Throwable cause) {
        return new VmException(Kind.UNAVAILABLE, what + " unavailable: " + reason, cause);
    }
}
