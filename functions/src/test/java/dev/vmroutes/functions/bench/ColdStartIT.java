package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged artifact and its handler string work under the real Lambda runtime client, outside of unit tests. */
class ColdStartIT {

    @TempDir
    Path work;

    @Test
    void listFunction_fromTheLambdaZip_answersItsEventUnderTheRuntimeClient() throws Exception {
        System.setProperty("vmroutes.root", "..");
        try (LambdaRuntimeHarness harness = new LambdaRuntimeHarness()) {
            var start = harness.coldStart(
                    ColdStartBench.functionClasspath(work),
                    "dev.vmroutes.functions.handler.ListFunction::handleRequest",
                    ColdStartBench.functionEnvironment(),
                    Files.readAllBytes(Path.of("../events/list.json")),
                    Duration.ofMinutes(2));
            JsonNode response = new ObjectMapper().readTree(start.response());
            assertThat(response.get("statusCode").asInt()).as(start.response()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(response.get("body").asText()).isArray()).isTrue();
        }
    }
}
