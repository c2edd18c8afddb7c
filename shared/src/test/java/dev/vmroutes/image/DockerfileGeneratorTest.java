package dev.vmroutes.image;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DockerfileGeneratorTest {

    private static ImageSpec request(String python, List<String> cmd) {
        return new ImageSpec(python, 8080, cmd, false);
    }

    @Test
    void generate_writesBaseImagePortHealthcheckAndExecFormCmd() {
        String dockerfile = DockerfileGenerator.generate(request("3.11", List.of("python", "-c", "print(\"ok\")")), false);
        assertThat(dockerfile).startsWith("FROM python:3.11-slim\n");
        assertThat(dockerfile).contains("EXPOSE 8080\n");
        assertThat(dockerfile).containsPattern("HEALTHCHECK .* CMD \\[\"python\",\"-c\",\".*127.0.0.1:8080/health");
        assertThat(dockerfile).contains("CMD [\"python\",\"-c\",\"print(\\\"ok\\\")\"]\n");
        // Labels go on containers: a container started from the image by hand is not managed.
        assertThat(dockerfile).doesNotContain("LABEL");
        assertThat(dockerfile).doesNotContain("requirements");
        assertThat(dockerfile).doesNotContain("curl");
    }

    @Test
    void generate_withRequirements_installsThemBeforeCopyingTheCode() {
        String dockerfile = DockerfileGenerator.generate(request("3.12-slim", List.of("python", "main.py")), true);
        assertThat(dockerfile).startsWith("FROM python:3.12-slim\n");
        assertThat(dockerfile.indexOf("pip\", \"install")).isLessThan(dockerfile.indexOf("src/ /app/"));
    }

    @Test
    void generate_installsRequirementsAsTheBuildUser_withAProcessLimit_neverAsRoot() {
        String dockerfile = DockerfileGenerator.generate(request("3.11", List.of("python", "main.py")), true, 128);
        String install = dockerfile.lines().filter(l -> l.contains("pip\", \"install")).findFirst().orElseThrow();
        assertThat(dockerfile.indexOf("USER " + DockerfileGenerator.BUILD_USER)).isLessThan(dockerfile.indexOf(install));
        assertThat(install).contains("RLIMIT_NPROC").contains("\"128\"").contains("\"--target\", \"" + DockerfileGenerator.DEPS_DIR + "\"");
        assertThat(dockerfile).contains("ENV PYTHONPATH=" + DockerfileGenerator.DEPS_DIR);
    }

    @Test
    void generate_runsAsAnUnprivilegedUserOwningApp_unlessRootIsAsked() {
        String dockerfile = DockerfileGenerator.generate(request("3.11", List.of("python", "main.py")), true);
        assertThat(dockerfile).contains("COPY --chown=10001:10001 src/ /app/\n").contains("\nUSER 10001:10001\n");
        // Requirements install as the build's own user, before the agent's user is switched to.
        assertThat(dockerfile.indexOf("pip\", \"install")).isLessThan(dockerfile.indexOf("USER " + DockerfileGenerator.AGENT_USER));
        String asRoot = DockerfileGenerator.generate(new ImageSpec("3.11", 8080, List.of("python", "main.py"), true), false);
        assertThat(asRoot).contains("COPY src/ /app/\n").doesNotContain("USER").doesNotContain("--chown");
    }

    @Test
    void generate_commandWithInstructionLookalike_staysOneJsonString() {
        String dockerfile = DockerfileGenerator.generate(request("3.11", List.of("sh", "-c", "x\"]\nRUN id")), false);
        assertThat(dockerfile.lines().filter(l -> l.startsWith("RUN"))).isEmpty();
    }
}
