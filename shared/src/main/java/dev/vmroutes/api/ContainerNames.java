package dev.vmroutes.api;

import java.util.regex.Pattern;

/** The container names callers may give (the engine's own rule), checked before any lookup. */
public final class ContainerNames {

    private static final Pattern CONTAINER_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$");

    private ContainerNames() {
    }

    private static final Pattern AGENT_CONTAINER = Pattern.compile("^jules-agent-(.+)-\\d+$");

    /** The agent a managed container's name ({@code jules-agent-<agent>-<n>}) belongs to; null for other names. */
    public static String agentOf(String containerName) {
        var m = containerName == null ? null : AGENT_CONTAINER.matcher(containerName);
        return m != null && m.matches() ? m.group(1) : null;
    }

    public static void check(String name) {
        if (name == null || !CONTAINER_NAME.matcher(name).matches()) {
            throw VmException.invalid("container_name", "must be a container name (letters, digits, '_', '.', '-')");
        }
    }
}
