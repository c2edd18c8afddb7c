package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The commands about deployments and the trail: rollback, history, cancel, build-log, nodes, audit. */
final class DeploymentCommands {

    private DeploymentCommands() {
    }

    @Command(name = "rollback", description = "Runs an earlier deployment's image again.")
    static final class Rollback extends ApiCommand {
        @Parameters(paramLabel = "AGENT", description = "the agent's name")
        String agent;

        @Option(names = "--to", paramLabel = "ID", description = "the deployment to run again (default: the newest successful one before the current)")
        String to;

        @Override
        public Integer call() {
            ObjectNode body = Api.JSON.createObjectNode().put("agent_name", agent);
            if (to != null) body.put("deployment_id", to);
            Api.Answer answer = api().post("/rollback", body, Map.of()).orThrow();
            show(answer, deployed -> DeployWatch.printAddress(out(), api().base(), deployed));
            return deployed(answer.json());
        }

        static int deployed(JsonNode deployed) {
            return deployed.path("ready").asBoolean() ? Vmr.OK : Vmr.NOT_READY;
        }
    }

    @Command(name = "history", description = "An agent's deployments, newest first.")
    static final class History extends ApiCommand {
        @Parameters(paramLabel = "AGENT", description = "the agent's name")
        String agent;

        @Option(names = "--limit", description = "at most this many (1..100, default 20)")
        Integer limit;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("agent_name", agent);
            query.put("limit", limit == null ? null : limit.toString());
            return show(api().get("/deployments", query), answer -> {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("DEPLOYMENT", "STATUS", "CREATED", "COMMIT", "CONTAINER"));
                for (JsonNode d : answer.path("deployments")) {
                    String commit = text(d, "commit_sha");
                    rows.add(Arrays.asList(text(d, "deployment_id"), text(d, "status"), text(d, "created_at"),
                            commit == null ? null : commit.substring(0, Math.min(12, commit.length())), text(d, "container_name")));
                }
                Screen.table(out(), rows);
            });
        }
    }

    @Command(name = "cancel", description = "Cancels a deploy that has not finished.")
    static final class Cancel extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the deployment id")
        String id;

        @Override
        public Integer call() {
            return show(api().delete("/deployments/" + Api.segment(id)),
                    d -> out().println("deployment " + text(d, "deployment_id") + " " + text(d, "status")));
        }
    }

    @Command(name = "build-log", description = "A deployment's build output.")
    static final class BuildLog extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the deployment id")
        String id;

        @Option(names = {"-f", "--follow"}, description = "keep printing until the build is over")
        boolean follow;

        @Override
        public Integer call() throws InterruptedException {
            long offset = 0;
            while (true) {
                Api.Answer answer = api().get("/deployments/" + Api.segment(id) + "/log", Map.of("offset", Long.toString(offset))).orThrow();
                JsonNode page = answer.json();
                if (json()) out().println(answer.body());
                else out().print(page.path("log").asText());
                out().flush();
                offset = page.path("next_offset").asLong();
                if (!follow || page.path("complete").asBoolean()) return Vmr.OK;
                Thread.sleep(1000);
            }
        }
    }

    @Command(name = "nodes", description = "The engine's nodes and how many of your agents' tasks each runs (a single engine is one node).")
    static final class Nodes extends ApiCommand {
        @Override
        public Integer call() {
            return show(api().get("/nodes"), answer -> {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("ID", "HOSTNAME", "ADDRESS", "ROLE", "STATE", "AVAILABILITY", "TASKS"));
                for (JsonNode n : answer.isArray() ? answer : answer.path("nodes")) {
                    String role = text(n, "role");
                    if (role != null && n.path("leader").asBoolean(false)) role = role + " (leader)";
                    rows.add(Arrays.asList(text(n, "node_id"), text(n, "hostname"), text(n, "address"), role, text(n, "state"),
                            text(n, "availability"), Integer.toString(n.path("tasks").size())));
                }
                Screen.table(out(), rows);
            });
        }
    }

    @Command(name = "audit", description = "Who changed what, newest first.")
    static final class Audit extends ApiCommand {
        @Option(names = "--agent", description = "only this agent's entries")
        String agent;

        @Option(names = "--since", description = "none older than this time (ISO-8601)")
        String since;

        @Option(names = "--limit", description = "at most this many (1..100, default 20)")
        Integer limit;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("agent_name", agent);
            query.put("since", since);
            query.put("limit", limit == null ? null : limit.toString());
            return show(api().get("/audit", query), answer -> {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("AT", "ACTION", "AGENT", "TARGET", "OUTCOME", "BY"));
                for (JsonNode e : answer.path("entries")) {
                    rows.add(Arrays.asList(text(e, "at"), text(e, "action"), text(e, "agent_name"), text(e, "target"),
                            text(e, "outcome"), text(e, "principal")));
                }
                Screen.table(out(), rows);
            });
        }
    }
}
