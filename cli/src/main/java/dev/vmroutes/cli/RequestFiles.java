package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Requests kept in files: JSON or YAML (JSON is YAML too), and KEY=VALUE environment files. */
final class RequestFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RequestFiles() {
    }

    static JsonNode read(Path file) {
        try {
            JsonNode node = YAML.readTree(Files.readString(file));
            if (node == null || node.isMissingNode()) throw new Vmr.UsageError(file + ": empty");
            return node;
        } catch (IOException e) {
            throw new Vmr.UsageError(file + ": " + e.getMessage().lines().findFirst().orElse("cannot be read"));
        }
    }

    /** KEY=VALUE lines; blank lines and lines starting with # are skipped, an optional "export " is dropped. */
    static Map<String, String> envFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new Vmr.UsageError(file + ": cannot be read: " + e.getMessage());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("export ")) line = line.substring("export ".length()).strip();
            int eq = line.indexOf('=');
            if (eq <= 0) throw new Vmr.UsageError(file + ":" + (i + 1) + ": expected KEY=VALUE");
            String value = line.substring(eq + 1);
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            env.put(line.substring(0, eq).strip(), value);
        }
        return env;
    }
}
