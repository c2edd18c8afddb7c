package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** A command that calls the API: the root's options, the output, and the answer printed as JSON or for people. */
abstract class ApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    Vmr root() {
        return (Vmr) spec.root().userObject();
    }

    Api api() {
        return root().api();
    }

    boolean json() {
        return root().json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** With --json the answer as it is, else what {@code forPeople} prints. */
    int show(Api.Answer answer, java.util.function.Consumer<JsonNode> forPeople) {
        answer.orThrow();
        if (json()) {
            out().println(answer.body());
            out().flush();
        } else {
            forPeople.accept(answer.json());
            out().flush();
        }
        return Vmr.OK;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** {"8080/tcp": 32768} as 8080/tcp->32768. */
    static String ports(JsonNode ports) {
        if (ports == null || ports.isEmpty()) return "-";
        List<String> each = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ports.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> port = it.next();
            each.add(port.getKey() + "->" + port.getValue().asText());
        }
        return String.join(",", each);
    }

    /** Each field of an object on its own line, nested objects as JSON. */
    void fields(JsonNode node) {
        List<List<String>> rows = new ArrayList<>();
        node.fields().forEachRemaining(f -> rows.add(List.of(f.getKey(),
                f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString())));
        int width = rows.stream().mapToInt(r -> r.get(0).length()).max().orElse(0);
        for (List<String> row : rows) out().printf("%-" + width + "s  %s%n", row.get(0), row.get(1));
        out().flush();
    }
}
