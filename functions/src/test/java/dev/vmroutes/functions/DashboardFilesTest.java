package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's files: each one served without a credential is listed by name, and each API path its modules call is documented. */
class DashboardFilesTest {

    static final Path STATIC = Path.of("src/main/resources/static");
    static final Pattern API_PATH = Pattern.compile("/api/v1/vm/[^`'\"?\\s]*");
    static final Pattern TEMPLATE_PART = Pattern.compile("\\$\\{[^}]*}");

    @Test
    void theListedPaths_areExactlyTheFilesThere() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(STATIC)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.add("/" + STATIC.relativize(f).toString().replace('\\', '/')));
        }
        files.add("/");
        assertThat(new TreeSet<>(DashboardFiles.PATHS)).isEqualTo(files);
    }

    @Test
    void everyApiPathTheModulesCall_isInTheOpenApiDocument() throws IOException {
        JsonNode documented = new ObjectMapper().readTree(Path.of("src/main/resources/api/openapi.json").toFile()).get("paths");
        List<String> patterns = new ArrayList<>();
        documented.fieldNames().forEachRemaining(p -> patterns.add(p.replaceAll("\\{[^}]+}", "{}")));
        Set<String> called = new TreeSet<>();
        try (Stream<Path> modules = Files.list(STATIC.resolve("dashboard"))) {
            for (Path module : modules.filter(p -> p.toString().endsWith(".js")).toList()) {
                Matcher m = API_PATH.matcher(Files.readString(module));
                while (m.find()) called.add(TEMPLATE_PART.matcher(m.group()).replaceAll("{}"));
            }
        }
        assertThat(called).as("paths the modules call").contains("/api/v1/vm/list", "/api/v1/vm/deployments/{}/log",
                "/api/v1/vm/logs/{}", "/api/v1/vm/audit", "/api/v1/vm/rollback");
        assertThat(patterns).containsAll(called);
    }

    @Test
    void noModule_insertsHtmlOrEvaluatesText() throws IOException {
        try (Stream<Path> modules = Files.list(STATIC.resolve("dashboard"))) {
            for (Path module : modules.filter(p -> p.toString().endsWith(".js")).toList()) {
                assertThat(Files.readString(module)).as(module.toString())
                        .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function");
            }
        }
        assertThat(Files.readString(STATIC.resolve("index.html"))).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain(" on");
    }
}
