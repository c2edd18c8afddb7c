package dev.vmroutes.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** repo_url forms that lead to internal addresses are refused before any connection is made to them. */
class SsrfIT {

    static final ObjectMapper JSON = new ObjectMapper();

    // Nothing is allowed here: loopback is as internal as any other private address.
    @RegisterExtension
    static final TestRoutes strict = new TestRoutes().with("VM_GIT_ALLOWED_HOSTS", "");
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static ServerSocket listener;
    static final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (true) {
                try (Socket s = listener.accept()) {
                    connections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        listener.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1:%d/x.git", "https://localhost:%d/x.git", "https://[::1]:%d/x.git",
            "https://2130706433:%d/x.git", "https://0x7f000001:%d/x.git", "https://0177.0.0.1:%d/x.git",
            "https://127.1:%d/x.git", "https://[::ffff:127.0.0.1]:%d/x.git", "http://127.0.0.1:%d/x.git",
            "ssh://git@127.0.0.1:%d/x.git", "https://user@127.0.0.1:%d/x.git", "file:///tmp/%d",
            "ext::nc 127.0.0.1 %d", "https://169.254.169.254:%d/latest", "https://10.0.0.1:%d/x.git",
            "https://[fd00::1]:%d/x.git", "https://100.64.0.1:%d/x.git", "https://0.0.0.0:%d/x.git"})
    void deploy_internalTarget_isRefusedWithoutConnecting(String template) {
        int before = connections.get();
        String url = template.formatted(listener.getLocalPort());
        var body = JSON.createObjectNode().put("repo_url", url).put("agent_name", "ssrf");
        VmException e = catchThrowableOfType(VmException.class, () -> strict.deploy(body));
        assertThat(e).as(url).isNotNull();
        assertThat(e.kind()).as(url + " -> " + e.detail()).isEqualTo(VmException.Kind.INVALID);
        assertThat(e.detail()).startsWith("repo_url: ");
        assertThat(connections.get()).as("connections made for " + url).isEqualTo(before);
    }

    @Test
    void deploy_fromRedirectingGitServer_doesNotFollowTheRedirect() throws Exception {
        int gitRequestsBefore = env.git.gitRequests();
        var body = env.body("redirected").put("repo_url", env.git.redirectingUrl("agent"));
        VmException e = catchThrowableOfType(VmException.class, () -> env.deploy(body));
        assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
        assertThat(e.detail()).startsWith("deployment_failed: clone: ");
        assertThat(env.git.gitRequests()).as("requests that reached the redirect target").isEqualTo(gitRequestsBefore);
        assertThat(env.agentContainers("redirected")).isEmpty();
    }
}
