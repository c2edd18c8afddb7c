package dev.vmroutes.image;

import java.util.List;

/**
 * What an agent's Dockerfile is written from: validated values only.
 *
 * @param runAsRoot the agent runs as root, as asked; otherwise as an unprivileged user
 */
public record ImageSpec(String pythonVersion, int exposePort, List<String> startupCmd, boolean runAsRoot) {

    public ImageSpec {
        startupCmd = List.copyOf(startupCmd);
    }
}
