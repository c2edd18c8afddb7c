package dev.vmroutes.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;


/**
 * A validated deploy request. Built only by {@link DeployRequestParser}, so every instance
 * satisfies the security rules.
 *
 * @param sshKeyPath      the real path of the key, inside the configured key directory
 * @param sshKey          the private key itself, when it came from a secret (held in memory only)
 * @param authTokenSecret the Secrets Manager secret holding the token, until resolved
 * @param sshKeySecret    the Secrets Manager secret holding the key, until resolved
 * @param limits          the container's resources: the configured ceiling, or lower if asked
 * @param replace         once the new container is ready, stop and remove the agent's running ones
 * @param force           deploy even when the same commit and settings already run healthy
 * @param volumes         the agent's volumes by short name and container path; null: those of its latest deployment
 * @param network         the managed network to join (with the agent's name as its DNS alias); null: none shared
 * @param runAsRoot       run the agent as root instead of the unprivileged user agents get by default
 * @param replicas        how many tasks of the agent a Swarm runs (1 on a single engine)
 */
public record DeployRequest(
        RepoUrl repoUrl,
        String branch,
        String agentName,
        String authToken,
        Path sshKeyPath,
        String sshKey,
        String authTokenSecret,
        String sshKeySecret,
        String pythonVersion,
        int exposePort,
        List<String> startupCmd,
        Map<String, String> environment,
        ContainerLimits limits,
        boolean replace,
        boolean force,
        Map<String, String> volumes,
        String network,
        boolean runAsRoot,
        int replicas) {

    public DeployRequest {
        startupCmd = List.copyOf(startupCmd);
        environment = Map.copyOf(environment);
        volumes = volumes == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(volumes));
    }

    /** The secrets this request carries, for redaction. */
    public List<String> secrets() {
        List<String> secrets = new java.util.ArrayList<>();
        if (authToken != null) secrets.add(authToken);
        if (sshKey != null) sshKey.lines().map(String::strip).filter(l -> l.length() >= 16).forEach(secrets::add);
        return secrets;
    }

    /** This request with the referenced secrets read: the token and the key in memory, the references dropped. */
    public DeployRequest withSecrets(String token, String key) {
        return new DeployRequest(repoUrl, branch, agentName, token, sshKeyPath, key, null, null,
                pythonVersion, exposePort, startupCmd, environment, limits, replace, force, volumes, network, runAsRoot, replicas);
    }

    @Override
    public String toString() {
        return "DeployRequest[repo=" + repoUrl + ", branch=" + branch + ", agent=" + agentName + "]";
    }
}
