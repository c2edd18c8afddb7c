package dev.vmroutes.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

/**
 * Writes the Dockerfile for an agent. Everything that varies is either validated to a strict
 * shape (python version, port, agent name) or written by a JSON serializer (the command), so no
 * request field can add an instruction. Environment values are never written here.
 */
public final class DockerfileGenerator {

    /** The name the generated file gets inside the build context, apart from any Dockerfile of the repo. */
    public static final String FILE_NAME = ".vm-routes.Dockerfile";

    private static final ObjectMapper JSON = new ObjectMapper();

    // Healthy while the service answers HTTP on its port with a status below 500; needs only the standard library.
    private static final String HEALTHCHECK_SCRIPT = String.join("\n",
            "import sys, urllib.request, urllib.error",
            "try:",
            "    urllib.request.urlopen('http://127.0.0.1:%d/health', timeout=3)",
            "except urllib.error.HTTPError as e:",
            "    sys.exit(0 if e.code < 500 else 1)",
            "except Exception:",
            "    sys.exit(1)");

    private DockerfileGenerator() {
    }

    public static String baseImage(String pythonVersion) {
        return "python:" + (pythonVersion.contains("-") ? pythonVersion : pythonVersion + "-slim");
    }

    public static String generate(ImageSpec spec, boolean hasRequirements) {
        StringBuilder out = new StringBuilder();
        out.append("FROM ").append(baseImage(spec.pythonVersion())).append('\n');
        out.append("WORKDIR /app\n");
        if (hasRequirements) {
            out.append("COPY requirements.txt ./\n");
            out.append("RUN [\"pip\", \"install\", \"--no-cache-dir\", \"-r\", \"requirements.txt\"]\n");
        }
        out.append("COPY . .\n");
        out.append("ENV PYTHONUNBUFFERED=1\n");
        out.append("EXPOSE ").append(spec.exposePort()).append('\n');
        out.append("HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ")
                .append(json(List.of("python", "-c", HEALTHCHECK_SCRIPT.formatted(spec.exposePort())))).append('\n');
        out.append("CMD ").append(json(spec.startupCmd())).append('\n');
        return out.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
