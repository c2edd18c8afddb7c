package dev.vmroutes.image;

import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.RepoUrl;
import dev.vmroutes.manager.ContainerLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DockerfileGeneratorTest {

    private static DeployRequest request(String python, List<String> cmd) {
        return new DeployRequest(new RepoUrl("https://x/y.git", false, "x"), "main", "agent", "tok", null, null, null, null,
                python, 8080, cmd, Map.of("API_KEY", "value-not-in-image"), ContainerLimits.fromEnvironment(Map.of()));
    }

    @Test
    void generate_writesBaseImagePortHealthcheckAndExecFormCmd() {
        String dockerfile = DockerfileGenerator.generate(request("3.11", List.of("python", "-c", "print(\"ok\")")), false);
        assertThat(dockerfile).startsWith("FROM python:3.11-slim\n");
        assertThat(dockerfile).contains("EXPOSE 8080\n");
        assertThat(dockerfile).containsPattern("HEALTHCHECK .* CMD \\[\"python\",\"-c\",\".*127.0.0.1:8080/health");
        assertThat(dockerfile).contains("CMD [\"python\",\"-c\",\"print(\\\"ok\\\")\"]\n");
        assertThat(dockerfile).contains("LABEL jules.managed=\"true\"\n");
        assertThat(dockerfile).doesNotContain("requirements").doesNotContain("value-not-in-image").doesNotContain("tok");
        assertThat(dockerfile).doesNotContain("curl");
    }

    @Test
    void generate_withRequirements_installsThemBeforeCopyingTheCode() {
        String dockerfile = DockerfileGenerator.generate(request("3.12-slim", List.of("python", "main.py")), true);
        assertThat(dockerfile).startsWith("FROM python:3.12-slim\n");
        assertThat(dockerfile.indexOf("pip\", \"install")).isLessThan(dockerfile.indexOf("COPY . ."));
    }

    @Test
    void generate_commandWithInstructionLookalike_staysOneJsonString() {
        String dockerfile = DockerfileGenerator.generate(request("3.11", List.of("sh", "-c", "x\"]\nRUN id")), false);
        assertThat(dockerfile.lines().filter(l -> l.startsWith("RUN"))).isEmpty();
    }
}
