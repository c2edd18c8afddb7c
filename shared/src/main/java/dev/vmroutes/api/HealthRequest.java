package dev.vmroutes.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A validated health request: the container and the path to probe on its published port, which
 * must be a plain absolute path that cannot lead anywhere else.
 */
public record HealthRequest(String containerName, String path) {

    public static final String DEFAULT_PATH = "/health";
    private static final Pattern PLAIN_PATH = Pattern.compile("^/[A-Za-z0-9\\-._~!$&'()*+,;=:%/?]{0,1023}$");

    public HealthRequest {
        ContainerNames.check(containerName);
        if (path == null) path = DEFAULT_PATH;
        if (!isPlainPath(path)) throw VmException.invalid("path", "must be a plain absolute path such as /health");
    }

    /** True for a path such as {@code /health} or {@code /status?verbose=1}; false for anything that could leave the port. */
    public static boolean isPlainPath(String path) {
        if (path == null || !PLAIN_PATH.matcher(path).matches() || path.startsWith("//")) return false;
        String decoded;
        try {
            decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return !decoded.contains("..") && !decoded.contains("@") && !decoded.contains("\\")
                && decoded.chars().noneMatch(c -> c < 0x20 || c == 0x7f) && !decoded.startsWith("//");
    }
}
