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

    /**
     * The request from the raw query string, so the path keeps its encoding: {@code ?path=/a?b=c%26d}
     * probes {@code /a?b=c%26d}. A value that is itself encoded ({@code %2Fstatus}) is decoded once.
     */
    public static HealthRequest fromQuery(String containerName, String rawQuery) {
        String path = null;
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            if (!pair.startsWith("path=")) continue;
            if (path != null) throw VmException.invalid("path", "appears twice in the query");
            path = pair.substring("path=".length());
            if (path.regionMatches(true, 0, "%2F", 0, 3)) {
                try {
                    path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw VmException.invalid("path", "is not validly percent-encoded");
                }
            }
        }
        return new HealthRequest(containerName, path);
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
