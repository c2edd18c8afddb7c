package dev.vmroutes.functions.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.functions.bench.ColdStartBench;
import dev.vmroutes.functions.bench.LambdaRuntimeHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged function under the real runtime client, as Lambda runs it with the template's
 * {@code LogFormat: JSON}: every line logback writes is one JSON object, none is text.
 */
class LambdaJsonLogsIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void withLambdasJsonLogFormat_theFunctionsLinesAreJson() throws Exception {
        System.setProperty("vmroutes.root", "..");
        Map<String, String> environment = new HashMap<>(ColdStartBench.functionEnvironment());
        environment.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        environment.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
        environment.remove("VM_LOG_FORMAT");
        List<String> lines;
        try (LambdaRuntimeHarness harness = new LambdaRuntimeHarness();
             LambdaRuntimeHarness.Running running = harness.launch(ColdStartBench.functionClasspath(work), List.of(),
                     LambdaRuntimeHarness.RIC_MAIN, "dev.vmroutes.functions.handler.ListFunction::handleRequest",
                     environment, false, Files.readAllBytes(Path.of("../events/list.json")))) {
            JsonNode response = JSON.readTree(running.await(Duration.ofMinutes(2)).response());
            assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
            lines = Files.readAllLines(running.log());
        }
        List<JsonNode> logged = new ArrayList<>();
        for (String line : lines) {
            assertThat(line).as("a text line of logback's").doesNotContainPattern("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN|ERROR|DEBUG)");
            if (line.startsWith("{") && line.contains("\"loggerName\"")) logged.add(JSON.readTree(line));
        }
        assertThat(logged).as(String.join("\n", lines)).isNotEmpty()
                .allSatisfy(l -> assertThat(l.has("level") && l.has("formattedMessage") && l.has("timestamp")).isTrue());
        assertThat(logged).noneMatch(l -> l.get("level").asText().equals("DEBUG"));
    }
}
