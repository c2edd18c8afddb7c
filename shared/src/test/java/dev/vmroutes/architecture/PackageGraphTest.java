package dev.vmroutes.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's shape, read from its sources: packages depend in one direction only (no cycle),
 * the bottom layers (api, config) depend on no other package of ours, and no source file grows
 * past 300 lines.
 */
class PackageGraphTest {

    static final Path MAIN = Path.of("src/main/java/dev/vmroutes");
    static final Pattern REFERENCE = Pattern.compile("\\bdev\\.vmroutes\\.(\\w+)\\.");

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = MAIN.relativize(file).getName(0).toString();
                Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) if (!m.group(1).equals(from)) to.add(m.group(1));
            }
        }
        return edges;
    }

    @Test
    void packages_formNoCycle() throws IOException {
        Map<String, Set<String>> edges = graph();
        assertThat(edges).containsKeys("api", "config", "deploy", "agents", "docker", "store", "app");
        for (String start : edges.keySet()) {
            List<String> cycle = cycleFrom(start, start, edges, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertThat(cycle).as("a cycle through " + start + " in " + edges).isNull();
        }
    }

    @Test
    void bottomLayers_dependOnNothingOfOurs() throws IOException {
        Map<String, Set<String>> edges = graph();
        assertThat(edges.get("api")).as("api depends on").isEmpty();
        assertThat(edges.get("config")).as("config depends on").isSubsetOf("api");
        assertThat(edges.get("deploy")).as("deploy depends on").doesNotContain("agents", "app");
        assertThat(edges.get("agents")).as("agents depends on").doesNotContain("deploy", "app");
    }

    @Test
    void noSourceFile_isLongerThan300Lines() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.getParent().getParent().getParent())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                assertThat(Files.readAllLines(file)).as(file.toString()).hasSizeLessThanOrEqualTo(300);
            }
        }
    }

    static List<String> cycleFrom(String start, String at, Map<String, Set<String>> edges, List<String> path, Set<String> seen) {
        for (String next : edges.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                path.add(next);
                return path;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, edges, path, seen);
                if (found != null) return found;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }
}
