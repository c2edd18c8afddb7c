package dev.vmroutes.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated deploy request. Built only by {@link DeployRequestParser}, so every instance
 * satisfies the security rules.
 *
 * @param sshKeyPath the real path of the key, inside the configured key directory
 */
public record DeployRequest(
        RepoUrl repoUrl,
        String branch,
        String agentName,
        String authToken,
        Path sshKeyPath,
        String pythonVersion,
        int exposePort,
        List<String> startupCmd,
        Map<String, String> environment) {

    public DeployRequest {
        startupCmd = List.copyOf(startupCmd);
        environment = Map.copyOf(environment);
    }

    /** The secrets this request carries, for redaction. */
    public List<String> secrets() {
        return authToken == null ? List.of() : List.of(authToken);
    }

    @Override
    public String toString() {
        return "DeployRequest[repo=" + repoUrl + ", branch=" + branch + ", agent=" + agentName + "]";
    }
}
