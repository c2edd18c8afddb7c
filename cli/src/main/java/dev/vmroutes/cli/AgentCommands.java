package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The commands about what runs: status, list, logs, stop, health. */
final class AgentCommands {

    private AgentCommands() {
    }

    @Command(name = "status", description = "A deployment's record: its status, phases and container.")
    static final class Status extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the deployment id")
        String id;

        @Override
        public Integer call() {
            return show(api().get("/deployments/" + Api.segment(id)), record -> {
                fields(((ObjectNode) record.deepCopy()).without(List.of("phases", "requested_by")));
                for (JsonNode phase : record.path("phases")) {
                    out().printf("  %-8s %s%n", phase.path("phase").asText(), DeployWatch.elapsed(phase));
                }
            });
        }
    }

    @Command(name = "list", description = "Every managed container.")
    static final class ListAll extends ApiCommand {
        @Override
        public Integer call() {
            return show(api().get("/list"), containers -> {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("NAME", "STATUS", "AGENT", "PORTS", "CREATED", "DEPLOYMENT"));
                for (JsonNode c : containers) {
                    rows.add(java.util.Arrays.asList(text(c, "container_name"), text(c, "status"), text(c, "agent_name"),
                            ports(c.get("ports")), text(c, "created"), text(c, "deployment_id")));
                }
                Screen.table(out(), rows);
            });
        }
    }

    @Command(name = "logs", description = "A container's output, newest last.")
    static final class Logs extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "the container's name")
        String name;

        @Option(names = {"-f", "--follow"}, description = "keep printing new lines (Ctrl-C ends)")
        boolean follow;

        @Option(names = "--since", description = "only lines at or after this time (ISO-8601)")
        String since;

        @Option(names = "--tail", description = "at most this many lines (the API's default 200)")
        Integer tail;

        @Override
        public Integer call() throws InterruptedException {
            String from = since;
            String last = null;
            do {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("tail", tail == null ? null : tail.toString());
                query.put("since", from);
                Api.Answer answer = api().get("/logs/" + Api.segment(name), query).orThrow();
                if (json()) {
                    out().println(answer.body());
                } else {
                    for (JsonNode line : answer.json().path("lines")) {
                        String time = line.path("time").asText();
                        // a follow asks again from the last line's time, which answers that line again
                        if (last != null && time.compareTo(last) <= 0) continue;
                        out().println(line.path("text").asText());
                    }
                }
                out().flush();
                JsonNode lines = answer.json().path("lines");
                if (!lines.isEmpty()) {
                    last = lines.get(lines.size() - 1).path("time").asText();
                    from = last;
                }
                if (follow) Thread.sleep(1000);
            } while (follow);
            return Vmr.OK;
        }
    }

    @Command(name = "stop", description = "Stops a container, and removes it unless --keep.")
    static final class Stop extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "the container's name")
        String name;

        @Option(names = "--keep", description = "stop it but keep the container")
        boolean keep;

        @Option(names = "--remove-volumes", description = "also delete the agent's volumes no container uses (vm:admin)")
        boolean removeVolumes;

        @Override
        public Integer call() {
            ObjectNode body = Api.JSON.createObjectNode().put("container_name", name).put("remove", !keep);
            if (removeVolumes) body.put("remove_volumes", true);
            return show(api().post("/stop", body, Map.of()), stopped -> {
                String line = "stopped " + text(stopped, "stopped") + (stopped.path("removed").asBoolean() ? ", removed" : "");
                if (stopped.has("volumes_removed")) line += ", volumes removed: " + stopped.get("volumes_removed");
                out().println(line);
            });
        }
    }

    @Command(name = "health", description = "A container's state, its HEALTHCHECK's verdict and a probe of a path.")
    static final class Health extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "the container's name")
        String name;

        @Option(names = "--path", description = "the path to probe (the API's default /health)")
        String path;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("path", path);
            return show(api().get("/health/" + Api.segment(name), query), health -> {
                out().println("container " + text(health, "container_status") + ", health " + text(health, "health_status"));
                JsonNode probe = health.path("http_probe");
                if (probe.has("status_code")) out().println("probe " + probe.path("status_code").asText() + " " + probe.path("response"));
                else if (probe.has("error")) out().println("probe error: " + probe.path("error").asText());
            });
        }
    }
}
