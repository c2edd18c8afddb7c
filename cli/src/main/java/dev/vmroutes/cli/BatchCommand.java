package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code vmr batch deploy|stop FILE}: many deploys or stops in one call, each item's outcome shown. */
@Command(name = "batch", description = "Many deploys or stops in one call.",
        subcommands = {BatchCommand.Deploy.class, BatchCommand.Stop.class})
final class BatchCommand {

    /** A file holding the batch's body, or only its list. */
    static JsonNode body(Path file, String field) {
        JsonNode read = RequestFiles.read(file);
        if (read.isArray()) {
            ObjectNode body = Api.JSON.createObjectNode();
            body.set(field, read);
            return body;
        }
        return read;
    }

    abstract static class Batch extends ApiCommand {
        @Parameters(paramLabel = "FILE", description = "JSON or YAML: the request, or its list alone")
        Path file;

        int send(String route, String field) {
            Api.Answer answer = api().post(route, body(file, field), Map.of());
            show(answer, results -> {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("INDEX", "STATUS", "WHAT"));
                for (JsonNode r : results.path("results")) {
                    JsonNode item = r.path("body");
                    String what = item.has("detail") ? item.get("detail").asText()
                            : item.has("stopped") ? "stopped " + item.get("stopped").asText()
                            : item.has("status_url") ? text(item, "agent_name") + " " + text(item, "status") + " " + text(item, "deployment_id")
                            : text(item, "container_name") + " " + text(item, "status") + " " + ports(item.get("ports"));
                    rows.add(Arrays.asList(r.path("index").asText(), r.path("status").asText(), what));
                }
                Screen.table(out(), rows);
            });
            for (JsonNode r : answer.json().path("results")) {
                if (r.path("status").asInt() / 100 != 2) return Vmr.API_ERROR;
            }
            return Vmr.OK;
        }
    }

    @Command(name = "deploy", description = "Deploys each item of FILE ({\"deployments\": [...]}).")
    static final class Deploy extends Batch {
        @Override
        public Integer call() {
            return send("/batch/deploy", "deployments");
        }
    }

    @Command(name = "stop", description = "Stops each item of FILE ({\"containers\": [...]}).")
    static final class Stop extends Batch {
        @Override
        public Integer call() {
            return send("/batch/stop", "containers");
        }
    }
}
