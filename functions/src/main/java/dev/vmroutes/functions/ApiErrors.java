package dev.vmroutes.functions;

import com.github.dockerjava.api.exception.DockerException;
import dev.vmroutes.api.VmException;
import dev.vmroutes.api.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.util.Map;

/** The one mapper from failures to answers: every failure becomes {@code {"detail": "..."}} with the status the design brief gives it. */
@RestControllerAdvice
public class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    /** The answer a failure gets: what a route answers when its operation throws, and a batch item's status and body. */
    public static ResponseEntity<Map<String, String>> answer(RuntimeException e) {
        if (e instanceof VmException vm) return new ApiErrors().domain(vm, null);
        if (e instanceof DockerException engine) return new ApiErrors().engine(engine);
        return new ApiErrors().unexpected(e);
    }

    @ExceptionHandler(VmException.class)
    public ResponseEntity<Map<String, String>> domain(VmException e, jakarta.servlet.http.HttpServletRequest request) {
        HttpStatus status = status(e.kind());
        if (status.is5xxServerError()) LOG.warn("{}: {}", status.value(), e.detail());
        if (status == HttpStatus.FORBIDDEN && request != null && request.getAttribute(CallerFilter.ATTRIBUTE) instanceof dev.vmroutes.auth.Caller caller) {
            LOG.warn("refused 403 {} {} for {}: {}", request.getMethod(), request.getRequestURI(), caller.principal(), e.detail());
        }
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            // The engine, the table or Secrets Manager could not answer now: worth trying again shortly.
            return ResponseEntity.status(status).header("Retry-After", "5").body(Map.of("detail", e.detail()));
        }
        return detail(status, e.detail());
    }

    public static HttpStatus status(VmException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case UNAUTHORIZED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case CONFLICT -> HttpStatus.CONFLICT;
            case DEPLOY_FAILED -> HttpStatus.BAD_GATEWAY;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
        };
    }

    /** The engine answered with an error the call did not expect. */
    @ExceptionHandler(DockerException.class)
    public ResponseEntity<Map<String, String>> engine(DockerException e) {
        String detail = "the Docker engine answered " + e.getHttpStatus() + ": " + Redactor.describe(e);
        LOG.warn("{}", detail);
        return detail(HttpStatus.BAD_GATEWAY, detail);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimitFilter.BodyTooLargeException) {
                return detail(HttpStatus.PAYLOAD_TOO_LARGE, "body: must be at most 1 MiB");
            }
            if (t instanceof BodyLimitFilter.BodyTooSlowException slow) {
                return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT).header("Connection", "close")
                        .body(Map.of("detail", "body: " + slow.getMessage()));
            }
            if (t instanceof com.fasterxml.jackson.core.JsonParseException parse
                    && String.valueOf(parse.getOriginalMessage()).startsWith("Duplicate field")) {
                String message = parse.getOriginalMessage();
                String field = message.substring(message.indexOf('\'') + 1, Math.max(message.indexOf('\''), message.lastIndexOf('\'')));
                return detail(HttpStatus.BAD_REQUEST, field.matches("[A-Za-z0-9_.-]{1,64}")
                        ? field + ": appears twice in the body" : "body: a field appears twice");
            }
            if (t instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
                    && String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing token")) {
                return detail(HttpStatus.BAD_REQUEST, "body: must be one JSON value with nothing after it");
            }
        }
        return detail(HttpStatus.BAD_REQUEST, "body: is not valid JSON");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return detail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "body: send Content-Type: application/json");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<Map<String, String>> method(HttpRequestMethodNotSupportedException e) {
        return detail(HttpStatus.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    public ResponseEntity<Map<String, String>> noRoute(NoResourceFoundException e) {
        return detail(HttpStatus.NOT_FOUND, "no such route");
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, String>> unexpected(Exception e) {
        LOG.error("unexpected failure: {}", Redactor.describe(e));
        LOG.debug("unexpected failure", e);
        return detail(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
    }

    private static ResponseEntity<Map<String, String>> detail(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(Map.of("detail", detail));
    }
}
