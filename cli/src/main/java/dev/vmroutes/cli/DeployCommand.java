package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vmr deploy}: the request from flags named after the API's fields (or a file), sent for the
 * asynchronous answer, then followed to its end (see {@link DeployWatch}) unless --detach.
 */
@Command(name = "deploy", description = "Deploys an agent from Git and shows the deploy as it happens.")
final class DeployCommand extends ApiCommand {

    @Option(names = "--file", description = "the request as JSON or YAML; flags override its fields")
    Path file;
    @Option(names = "--repo-url") String repoUrl;
    @Option(names = "--agent-name") String agentName;
    @Option(names = "--branch") String branch;
    @Option(names = "--auth-token", description = "an HTTPS token for the repository (never printed)") String authToken;
    @Option(names = "--auth-token-secret") String authTokenSecret;
    @Option(names = "--ssh-key-path") String sshKeyPath;
    @Option(names = "--ssh-key-secret") String sshKeySecret;
    @Option(names = "--python-version") String pythonVersion;
    @Option(names = "--expose-port") Integer exposePort;
    @Option(names = "--memory-mb") Integer memoryMb;
    @Option(names = "--cpus") Double cpus;
    @Option(names = "--pids-limit") Integer pidsLimit;
    @Option(names = "--volume", paramLabel = "NAME=PATH") Map<String, String> volumes;
    @Option(names = "--network") String network;
    @Option(names = "--run-as-root") Boolean runAsRoot;
    @Option(names = "--replicas", description = "tasks on a Swarm (more than 1: vm:admin)") Integer replicas;
    @Option(names = "--replace", negatable = true, description = "retire the agent's running containers once ready (--no-replace keeps them)") Boolean replace;
    @Option(names = "--force") Boolean force;
    @Option(names = "--env", paramLabel = "KEY=VALUE") Map<String, String> env;
    @Option(names = "--env-file", paramLabel = "FILE") List<Path> envFiles;
    @Option(names = "--detach", description = "return once the deploy is queued, with its id")
    boolean detach;
    @Parameters(paramLabel = "COMMAND", description = "the startup command, after --")
    List<String> startupCmd;

    ObjectNode request() {
        ObjectNode body = Api.JSON.createObjectNode();
        if (file != null) {
            JsonNode read = RequestFiles.read(file);
            if (!read.isObject()) throw new Vmr.UsageError(file + ": expected an object of the deploy's fields");
            body.setAll((ObjectNode) read);
        }
        put(body, "repo_url", repoUrl);
        put(body, "agent_name", agentName);
        put(body, "branch", branch);
        put(body, "auth_token", authToken);
        put(body, "auth_token_secret", authTokenSecret);
        put(body, "ssh_key_path", sshKeyPath);
        put(body, "ssh_key_secret", sshKeySecret);
        put(body, "python_version", pythonVersion);
        put(body, "expose_port", exposePort);
        put(body, "memory_mb", memoryMb);
        put(body, "cpus", cpus);
        put(body, "pids_limit", pidsLimit);
        put(body, "network", network);
        put(body, "run_as_root", runAsRoot);
        put(body, "replicas", replicas);
        put(body, "replace", replace);
        put(body, "force", force);
        if (volumes != null) body.set("volumes", Api.JSON.valueToTree(volumes));
        Map<String, String> environment = new LinkedHashMap<>();
        if (body.has("environment")) body.get("environment").fields().forEachRemaining(f -> environment.put(f.getKey(), f.getValue().asText()));
        if (envFiles != null) envFiles.forEach(f -> environment.putAll(RequestFiles.envFile(f)));
        if (env != null) environment.putAll(env);
        if (!environment.isEmpty()) body.set("environment", Api.JSON.valueToTree(environment));
        if (startupCmd != null && !startupCmd.isEmpty()) body.set("startup_cmd", Api.JSON.valueToTree(startupCmd));
        return body;
    }

    private static void put(ObjectNode body, String field, Object value) {
        if (value != null) body.set(field, Api.JSON.valueToTree(value));
    }

    @Override
    public Integer call() throws InterruptedException {
        Api.Answer answer = api().post("/deploy", request(), Map.of("Prefer", "respond-async")).orThrow();
        JsonNode body = answer.json();
        if (answer.status() != 202) {
            // finished at once: an unchanged agent, answered before anything was queued
            show(answer, deployed -> {
                out().println(deployed.path("unchanged").asBoolean() ? "unchanged: " + text(deployed, "container_name") + " already runs this"
                        : "deployed " + text(deployed, "container_name"));
                DeployWatch.printAddress(out(), api().base(), deployed);
            });
            return DeploymentCommands.Rollback.deployed(body);
        }
        String id = body.path("deployment_id").asText();
        if (detach) {
            if (json()) out().println(answer.body());
            else out().println("deployment " + id + " " + text(body, "status") + "; follow it with: vmr status " + id
                    + " (" + text(body, "status_url") + ")");
            out().flush();
            return Vmr.OK;
        }
        Screen screen = new Screen(out(), !json() && Screen.terminal());
        DeployWatch watch = new DeployWatch(api(), id, screen, !json());
        Api.Answer last = watch.follow();
        if (json()) {
            out().println(last.body());
            out().flush();
        }
        return watch.exitCode(last.json());
    }
}
