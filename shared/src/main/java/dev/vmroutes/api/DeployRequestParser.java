package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.lib.Repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a deploy body into a {@link DeployRequest}, or refuses it naming the field.
 * Nothing here has a side effect: it runs before anything is created.
 *
 * @param sshKeyDir the only directory {@code ssh_key_path} may point into; null refuses the field
 * @param ceiling   the most a container may get; requests may ask for less
 */
public record DeployRequestParser(RepoUrlPolicy repoUrlPolicy, Path sshKeyDir, ContainerLimits ceiling, SecretReferences secretReferences,
                                  int maxReplicas) {

    /** A parser for a single engine, where an agent runs one container. */
    public DeployRequestParser(RepoUrlPolicy repoUrlPolicy, Path sshKeyDir, ContainerLimits ceiling, SecretReferences secretReferences) {
        this(repoUrlPolicy, sshKeyDir, ceiling, secretReferences, 1);
    }

    public static final Pattern AGENT_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$");
    private static final Pattern PYTHON_VERSION = Pattern.compile("^[0-9]{1,2}\\.[0-9]{1,2}(\\.[0-9]{1,3})?(-[a-z0-9]+){0,3}$");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern SECRET_ID = Pattern.compile("^[A-Za-z0-9/_+=.@:-]{1,2048}$");
    private static final Set<String> FIELDS = Set.of("repo_url", "branch", "agent_name", "auth_token", "ssh_key_path",
            "auth_token_secret", "ssh_key_secret", "python_version", "expose_port", "startup_cmd", "environment",
            "memory_mb", "cpus", "pids_limit", "replace", "force", "volumes", "network", "run_as_root", "replicas");

    public DeployRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) throw VmException.invalid("body", "must be a JSON object");
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) throw VmException.invalid(safeName(name), "unknown field");
        }
        String agentName = requiredString(body, "agent_name");
        if (!AGENT_NAME.matcher(agentName).matches()) {
            throw VmException.invalid("agent_name", "must match " + AGENT_NAME.pattern());
        }
        String branch = optionalString(body, "branch", "main");
        checkBranch(branch);
        String pythonVersion = optionalString(body, "python_version", "3.11");
        if (pythonVersion.length() > 32 || !PYTHON_VERSION.matcher(pythonVersion).matches()) {
            throw VmException.invalid("python_version", "must be a version tag such as 3.11 or 3.12-slim");
        }
        int exposePort = port(body);
        List<String> startupCmd = startupCmd(body);
        Map<String, String> environment = environment(body);
        String authToken = optionalString(body, "auth_token", null);
        if (authToken != null && (authToken.isEmpty() || authToken.length() > 4096)) {
            throw VmException.invalid("auth_token", "must be 1 to 4096 characters");
        }
        String keyPathText = optionalString(body, "ssh_key_path", null);
        String tokenSecret = secretId(body, "auth_token_secret");
        String keySecret = secretId(body, "ssh_key_secret");
        if (authToken != null && tokenSecret != null) throw VmException.invalid("auth_token_secret", "give auth_token or auth_token_secret, not both");
        if (keyPathText != null && keySecret != null) throw VmException.invalid("ssh_key_secret", "give ssh_key_path or ssh_key_secret, not both");
        ContainerLimits limits = limits(body);
        boolean replace = flag(body, "replace", true);
        boolean force = flag(body, "force", false);
        Map<String, String> volumes = VolumeRules.parse(body);
        boolean runAsRoot = flag(body, "run_as_root", false);
        String network = optionalString(body, "network", null);
        if (network != null && !AGENT_NAME.matcher(network).matches()) {
            throw VmException.invalid("network", "must match " + AGENT_NAME.pattern());
        }

        JsonNode asked = body.get("replicas");
        if (maxReplicas <= 1 && asked != null && asked.isIntegralNumber() && asked.longValue() > 1) {
            throw VmException.invalid("replicas", "more than 1 needs a Swarm (VM_ENGINE_MODE=swarm)");
        }
        int replicas = (int) wholeNumber(body, "replicas", 1, Math.max(1, maxReplicas), 1);

        RepoUrl repoUrl = repoUrlPolicy.check(requiredString(body, "repo_url"));
        if (authToken != null && repoUrl.ssh()) throw VmException.invalid("auth_token", "is for https:// repositories; use ssh_key_path");
        if (tokenSecret != null && repoUrl.ssh()) throw VmException.invalid("auth_token_secret", "is for https:// repositories; use ssh_key_secret");
        if (keySecret != null && !repoUrl.ssh()) throw VmException.invalid("ssh_key_secret", "is for SSH repositories; use auth_token_secret");
        Path sshKeyPath = null;
        if (keyPathText != null) {
            if (!repoUrl.ssh()) throw VmException.invalid("ssh_key_path", "is for SSH repositories; use auth_token");
            sshKeyPath = sshKeyPath(keyPathText);
        }
        return new DeployRequest(repoUrl, branch, agentName, authToken, sshKeyPath, null, tokenSecret, keySecret,
                pythonVersion, exposePort, startupCmd, environment, limits, replace, force, volumes, network, runAsRoot, replicas);
    }

    private String secretId(JsonNode body, String field) {
        String id = optionalString(body, field, null);
        if (id == null) return null;
        if (!SECRET_ID.matcher(id).matches()) throw VmException.invalid(field, "must be a Secrets Manager secret name");
        return secretReferences.check(field, id);
    }

    /** The configured ceiling, lowered where the request asks for less; asking for more is refused. */
    private ContainerLimits limits(JsonNode body) {
        long memoryMb = ceiling.memoryBytes() / (1024 * 1024);
        long memory = wholeNumber(body, "memory_mb", 16, memoryMb, memoryMb);
        long pids = wholeNumber(body, "pids_limit", 8, ceiling.pids(), ceiling.pids());
        long nanoCpus = ceiling.nanoCpus();
        JsonNode cpus = body.get("cpus");
        if (cpus != null && !cpus.isNull()) {
            double maxCpus = ceiling.nanoCpus() / 1e9;
            if (!cpus.isNumber() || cpus.doubleValue() < 0.01 || cpus.doubleValue() > maxCpus) {
                throw VmException.invalid("cpus", "must be a number from 0.01 to " + maxCpus);
            }
            nanoCpus = (long) (cpus.doubleValue() * 1e9);
        }
        return new ContainerLimits(memory * 1024 * 1024, nanoCpus, pids);
    }

    private static long wholeNumber(JsonNode body, String field, long min, long max, long fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return fallback;
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw VmException.invalid(field, "must be a whole number from " + min + " to " + max);
        }
        return node.longValue();
    }

    private static void checkBranch(String branch) {
        if (branch.isEmpty() || branch.length() > 255 || branch.startsWith("-") || branch.startsWith("refs/")
                || !Repository.isValidRefName("refs/heads/" + branch)) {
            throw VmException.invalid("branch", "must be a valid branch name that does not start with '-'");
        }
    }

    private static int port(JsonNode body) {
        JsonNode node = body.get("expose_port");
        if (node == null || node.isNull()) return 8080;
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > 65535) {
            throw VmException.invalid("expose_port", "must be an integer from 1 to 65535");
        }
        return node.intValue();
    }

    private static List<String> startupCmd(JsonNode body) {
        JsonNode node = body.get("startup_cmd");
        if (node == null || node.isNull()) return List.of("python", "main.py");
        if (!node.isArray() || node.isEmpty() || node.size() > 64) {
            throw VmException.invalid("startup_cmd", "must be a non-empty array of at most 64 strings");
        }
        List<String> cmd = new ArrayList<>();
        for (JsonNode part : node) {
            if (!part.isTextual()) throw VmException.invalid("startup_cmd", "must contain only strings");
            String text = part.textValue();
            if (text.length() > 4096 || hasControl(text)) {
                throw VmException.invalid("startup_cmd", "items must be at most 4096 characters without control characters");
            }
            cmd.add(text);
        }
        if (cmd.get(0).isBlank()) throw VmException.invalid("startup_cmd", "the first item must name a program");
        return cmd;
    }

    static boolean flag(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return fallback;
        if (!node.isBoolean()) throw VmException.invalid(field, "must be true or false");
        return node.booleanValue();
    }

    static Map<String, String> environment(JsonNode body) {
        JsonNode node = body.get("environment");
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject() || node.size() > 128) {
            throw VmException.invalid("environment", "must be an object of at most 128 string values");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (name.length() > 256 || !ENV_NAME.matcher(name).matches()) {
                throw VmException.invalid("environment", "variable names must match " + ENV_NAME.pattern());
            }
            JsonNode value = entry.getValue();
            if (!value.isTextual()) throw VmException.invalid("environment." + name, "must be a string");
            if (value.textValue().length() > 32768 || value.textValue().indexOf('\0') >= 0) {
                throw VmException.invalid("environment." + name, "must be at most 32768 characters without NUL");
            }
            env.put(name, value.textValue());
        }
        return env;
    }

    private Path sshKeyPath(String text) {
        if (sshKeyDir == null) throw VmException.invalid("ssh_key_path", "is not accepted: VM_SSH_KEY_DIR is not configured");
        if (text.isEmpty() || text.length() > 1024 || hasControl(text)) throw VmException.invalid("ssh_key_path", "is not a valid path");
        try {
            Path dir = sshKeyDir.toRealPath();
            Path candidate = dir.resolve(text).normalize();
            if (!candidate.startsWith(dir) || !Files.isRegularFile(candidate)) {
                throw VmException.invalid("ssh_key_path", "must name a key file inside VM_SSH_KEY_DIR");
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(dir) || !Files.isReadable(real)) {
                throw VmException.invalid("ssh_key_path", "must name a key file inside VM_SSH_KEY_DIR");
            }
            return real;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw VmException.invalid("ssh_key_path", "must name a key file inside VM_SSH_KEY_DIR");
        }
    }

    static String requiredString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) throw VmException.invalid(field, "is required");
        return checkedString(node, field);
    }

    static String optionalString(JsonNode body, String field, String fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return fallback;
        return checkedString(node, field);
    }

    private static String checkedString(JsonNode node, String field) {
        if (!node.isTextual()) throw VmException.invalid(field, "must be a string");
        String text = node.textValue();
        if (hasControl(text)) throw VmException.invalid(field, "must not contain control characters");
        return text;
    }

    static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029);
    }

    /** Field names come from the caller: show only a safe, short form. */
    static String safeName(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) : name;
        return hasControl(shown) ? "field" : shown;
    }
}
