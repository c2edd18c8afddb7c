package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deploy's {@code volumes}: short names (each becomes the agent's own Docker volume) mounted at
 * absolute container paths. No host paths, no names of volumes that are not the agent's, nothing
 * over the system's directories or the agent's code. The engine follows links on the way to a
 * mount point, so no mount point may pass through one: nothing at or under {@code /app} (the
 * repository, whose links are the repository's to choose), nothing under another volume (whose
 * contents the agent writes), nothing through the image's own links ({@link #IMAGE_LINKS}; links
 * a build step made are checked against the built image before anything is mounted).
 */
final class VolumeRules {

    static final int MAX_VOLUMES = 8;
    /** Mounting at or below these would hide or replace what the system needs. */
    private static final List<String> SYSTEM_TREES = List.of("/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin",
            "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/run", "/var/run", "/var/lib");
    /** Mounting exactly here would hide the whole system; below is fine. */
    private static final Set<String> EXACT = Set.of("/", "/var", "/root", "/home");
    /** The repository: its links point wherever a commit says. */
    private static final String APP = "/app";
    /** Links the base images hold outside the trees above (Debian's {@code /var/run -> /run} and the like). */
    private static final List<String> IMAGE_LINKS = List.of("/var/lock", "/var/spool/mail", "/var/mail");

    private VolumeRules() {
    }

    /** @return the volumes by short name, or null when the field is absent (the agent's previous volumes apply) */
    static Map<String, String> parse(JsonNode body) {
        JsonNode node = body.get("volumes");
        if (node == null || node.isNull()) return null;
        if (!node.isObject() || node.size() > MAX_VOLUMES) {
            throw VmException.invalid("volumes", "must be an object of at most " + MAX_VOLUMES + " name: path pairs");
        }
        Map<String, String> volumes = new LinkedHashMap<>();
        Set<String> paths = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (!DeployRequestParser.AGENT_NAME.matcher(name).matches() || name.toLowerCase(java.util.Locale.ROOT).startsWith("jules-")) {
                throw VmException.invalid("volumes", "names must match " + DeployRequestParser.AGENT_NAME.pattern()
                        + " and not start with jules- (each is the agent's own volume, never a host path or another agent's)");
            }
            String field = "volumes." + name;
            if (!entry.getValue().isTextual()) throw VmException.invalid(field, "must be an absolute container path");
            String path = entry.getValue().textValue();
            checkPath(field, path);
            if (!paths.add(path)) throw VmException.invalid(field, "mounts at a path another volume uses");
            volumes.put(name, path);
        }
        volumes.forEach((name, path) -> volumes.forEach((other, otherPath) -> {
            if (under(path, otherPath) && !path.equals(otherPath)) {
                throw VmException.invalid("volumes." + name, "must not mount inside volume " + other
                        + " (what the agent writes there could lead the mount elsewhere)");
            }
        }));
        return volumes;
    }

    private static void checkPath(String field, String path) {
        if (path.isEmpty() || path.length() > 255 || !path.startsWith("/") || DeployRequestParser.hasControl(path)
                || path.contains(":") || path.contains("\\") || path.contains("//") || (path.length() > 1 && path.endsWith("/"))) {
            throw VmException.invalid(field, "must be an absolute container path such as /data");
        }
        for (String part : path.substring(1).split("/")) {
            if (part.equals(".") || part.equals("..")) throw VmException.invalid(field, "must not contain . or ..");
        }
        if (EXACT.contains(path) || SYSTEM_TREES.stream().anyMatch(tree -> under(path, tree))) {
            throw VmException.invalid(field, "must not mount over a system directory (" + path + ")");
        }
        if (under(path, APP)) {
            throw VmException.invalid(field, "must not mount at or under /app: that is the agent's code, and its links"
                    + " lead wherever the repository says (" + path + ")");
        }
        if (IMAGE_LINKS.stream().anyMatch(link -> under(path, link))) {
            throw VmException.invalid(field, "must not mount through a link of the image (" + path + ")");
        }
    }

    /** Whether {@code path} is {@code tree} or below it. */
    private static boolean under(String path, String tree) {
        return path.equals(tree) || path.startsWith(tree + "/");
    }
}
