package dev.vmroutes.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.ImageScan;
import dev.vmroutes.testing.KeyGitServer;
import dev.vmroutes.testing.TestRoutes;
import dev.vmroutes.testing.TokenGitServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Deploys with a known token and a known key, successfully and not, then searches every log line,
 * the table's items, the image (files, history, config) and the container's config for them.
 */
class LeakIT {

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).findAndRegisterModules();

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @Test
    void tokenAndKey_neverLeaveTheProcess() throws Exception {
        String token = env.token;
        List<String> needles = new ArrayList<>(List.of(token));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        List<Results.Deployed> deployed = new ArrayList<>();
        TokenGitServer httpGit = env.git;
        KeyGitServer sshGit = env.sshGit;
        try {
            Files.readString(sshGit.privateKey()).lines().map(String::strip)
                    .filter(l -> l.length() >= 16 && !l.startsWith("-----")).forEach(needles::add);
            PrintStream tee = new PrintStream(new TeeStream(captured, originalErr), true);
            System.setOut(tee);
            System.setErr(tee);

            ObjectNode https = JSON.createObjectNode().put("repo_url", httpGit.url("agent")).put("agent_name", "leaky")
                    .put("auth_token", token);
            deployed.add(env.deploy(https));
            ObjectNode ssh = JSON.createObjectNode().put("repo_url", sshGit.url()).put("agent_name", "leaky-ssh")
                    .put("ssh_key_path", "deploy_key");
            deployed.add(env.deploy(ssh));
            ObjectNode missingBranch = https.deepCopy().put("branch", "nope").put("agent_name", "leaky-fail");
            VmException failed = catchThrowableOfType(VmException.class, () -> env.deploy(missingBranch));
            assertThat(failed.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
            ObjectNode wrongTokenWithKnownKeyText = https.deepCopy().put("agent_name", "leaky-fail")
                    .put("auth_token", token + "-wrong");
            catchThrowableOfType(VmException.class, () -> env.deploy(wrongTokenWithKnownKeyText));
            env.sweep();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String logs = captured.toString();
            assertThat(logs).contains("deployed jules-agent-leaky-");
            String items = env.rawItems();
            assertThat(items).contains("leaky-ssh");
            for (String needle : needles) {
                assertThat(logs).as("log lines").doesNotContain(needle);
                assertThat(items).as("table items").doesNotContain(needle);
            }
            for (Results.Deployed d : deployed) {
                String history = ImageScan.history(d.image());
                String image = JSON.writeValueAsString(env.docker.inspectImageCmd(d.image()).exec());
                String container = JSON.writeValueAsString(env.docker.inspectContainerCmd(d.containerId()).exec());
                for (String needle : needles) {
                    assertThat(history).as("docker history").doesNotContain(needle);
                    assertThat(image).as("image config").doesNotContain(needle);
                    assertThat(container).as("container config").doesNotContain(needle);
                }
                assertThat(ImageScan.filesAreClean(env.docker, d.image(), needles)).as("image files").isTrue();
            }
    }

    /** Copies what is written to the capture and on to the original stream. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
