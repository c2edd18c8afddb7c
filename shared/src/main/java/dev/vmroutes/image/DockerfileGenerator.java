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

    /** The user a build's install runs as: no agent's, not root. */
    public static final String BUILD_USER = "10999:10999";
    private static final String BUILD_ID = "10999";
    /** Where the requirements are installed (on PYTHONPATH and PATH in the image). */
    public static final String DEPS_DIR = "/opt/vm-routes/deps";
    /** Sets RLIMIT_NPROC to its first argument (0: leaves it), then runs the rest. */
    private static final String LIMIT_PROCESSES = String.join("\n",
            "import os, resource, sys",
            "n = int(sys.argv[1])",
            "if n > 0: resource.setrlimit(resource.RLIMIT_NPROC, (n, n))",
            "os.execvp(sys.argv[2], sys.argv[2:])");

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
        return generate(spec, hasRequirements, 0);
    }

    /**
     * @param buildPids how many processes the requirements' install may run (all builds' installs
     *                  at once, as they share {@link #BUILD_USER}); 0: no bound
     */
    public static String generate(ImageSpec spec, boolean hasRequirements, long buildPids) {
        StringBuilder out = new StringBuilder();
        out.append("FROM ").append(baseImage(spec.pythonVersion())).append('\n');
        if (hasRequirements) {
            // The index (VM_PIP_INDEX_URL) comes as build arguments pip reads: given to this step only, never the image's environment.
            out.append("ARG PIP_INDEX_URL\nARG PIP_TRUSTED_HOST\n");
            out.append("COPY ").append(SOURCE_DIR).append("/requirements.txt /tmp/vm-routes/requirements.txt\n");
            // A package's setup.py runs as a user of its own, never root, into a directory of its own, with a
            // process limit (the engine's build API has no pids limit; RLIMIT_NPROC holds for any user but root).
            out.append("RUN [\"install\", \"-d\", \"-o\", \"").append(BUILD_ID).append("\", \"-g\", \"").append(BUILD_ID)
                    .append("\", \"").append(DEPS_DIR).append("\"]\n");
            out.append("USER ").append(BUILD_USER).append('\n');
            out.append("RUN [").append(String.join(", ", List.of("python", "-c", LIMIT_PROCESSES, Long.toString(buildPids), "pip",
                    "install", "--no-cache-dir", "--target", DEPS_DIR, "-r", "/tmp/vm-routes/requirements.txt").stream()
                    .map(DockerfileGenerator::json).toList())).append("]\n");
            out.append("USER 0\n");
            out.append("ENV PYTHONPATH=").append(DEPS_DIR).append(" PATH=").append(DEPS_DIR).append("/bin:$PATH\n");
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
