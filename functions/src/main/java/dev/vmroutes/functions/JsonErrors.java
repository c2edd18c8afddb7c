package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Errors that never reach a route are {@code {"detail"}} too: what the servlet container sends
 * to its error page, and (on the local server, {@link TomcatJsonErrors}) what it refuses itself.
 * Never an HTML page, a stack frame, or the server's name and version.
 */
@RestController
public class JsonErrors implements ErrorController {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The servlet container's error page. */
    @RequestMapping("/error")
    public ResponseEntity<Map<String, String>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : 500;
        return ResponseEntity.status(status).body(Map.of("detail", detail(status)));
    }

    static String detail(int status) {
        return switch (status) {
            case 400 -> "request: the URL or a header is malformed or ambiguous";
            case 404 -> "no such route";
            case 405 -> "method not allowed here";
            case 413 -> "body: must be at most 1 MiB";
            case 414 -> "request: the URL is too long";
            case 431 -> "request: the headers are too large";
            default -> status >= 500 ? "internal error" : "request: refused (" + status + ")";
        };
    }

    static byte[] body(int status) {
        try {
            return JSON.writeValueAsBytes(Map.of("detail", detail(status)));
        } catch (Exception e) {
            return "{\"detail\":\"internal error\"}".getBytes(StandardCharsets.UTF_8);
        }
    }
}
