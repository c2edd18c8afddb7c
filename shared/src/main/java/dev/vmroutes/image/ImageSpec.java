package dev.vmroutes.image;

import java.util.List;

/** What an agent's Dockerfile is written from: validated values only. */
public record ImageSpec(String pythonVersion, int exposePort, List<String> startupCmd) {

    public ImageSpec {
        startupCmd = List.copyOf(startupCmd);
    }
}
