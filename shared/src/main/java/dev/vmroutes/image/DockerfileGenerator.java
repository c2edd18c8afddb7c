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

    /** The generated file's name in the build context; the repository's files are all under {@link #SOURCE_DIR}. */
    public static final String FILE_NAME = "Dockerfile";
    /**
     * Where the repository sits in the build context, so no file of it can be taken for the
     * generated Dockerfile or a {@code .dockerignore}: {@code /app} receives exactly the repository.
     */
    public static final String SOURCE_DIR = "src";
    /** The unprivileged user and group agents run as, unless a deploy asks for root; no entry in /etc/passwd is needed. */
    public static final String AGENT_USER = "10001:10001";

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
        if (hasRequirements) {
            // The index (VM_PIP_INDEX_URL) comes as build arguments pip reads: given to this step only, never the image's environment.
            out.append("ARG PIP_INDEX_URL\nARG PIP_TRUSTED_HOST\n");
            out.append("COPY ").append(SOURCE_DIR).append("/requirements.txt /tmp/vm-routes/requirements.txt\n");
            out.append("RUN [\"pip\", \"install\", \"--no-cache-dir\", \"-r\", \"/tmp/vm-routes/requirements.txt\"]\n");
        }
        // Copied with its owner set, /app (made by this COPY) is the agent user's own directory.
        out.append("COPY ").append(spec.runAsRoot() ? "" : "--chown=" + AGENT_USER + " ").append(SOURCE_DIR).append("/ /app/\n");
        out.append("WORKDIR /app\n");
        out.append("ENV PYTHONUNBUFFERED=1 HOME=/app\n");
        if (!spec.runAsRoot()) out.append("USER ").append(AGENT_USER).append('\n');
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
