package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import dev.vmroutes.testing.TricklingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One deadline per request, against hostile Git servers, package indexes and agents that answer a
 * byte at a time: the request answers by its deadline, and what was under way is stopped. Isolated:
 * it compares the engine's containers and images before and after.
 */
@Isolated
class DeadlinesIT {

    static final int DEADLINE = 8;

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_REQUEST_DEADLINE_SECONDS", Integer.toString(DEADLINE))
            .with("VM_BUILD_NETWORK", "host").with("VM_ALLOW_HOST_BUILD_NETWORK", "true");

    /** Deploys as the route does: within the request's deadline. */
    static Results.Deployed deploy(ObjectNode body) {
        return env.routes.withinDeadline(() -> env.deploy(body));
    }

    static long secondsSince(long start) {
        return (System.nanoTime() - start) / 1_000_000_000L;
    }

    @Test
    void deploy_fromAGitServerThatTrickles_failsInCloneByTheDeadline_andHangsUp() throws Exception {
        try (TricklingServer git = new TricklingServer()) {
            ObjectNode body = env.body("trickled-git").put("repo_url", git.url("/agent.git"));
            long start = System.nanoTime();
            VmException e = catchThrowableOfType(VmException.class, () -> deploy(body));
            assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
            assertThat(e.detail()).startsWith("deployment_failed: clone: the Git server did not answer within");
            // A byte every quarter second would take hours: only the deadline ends it this soon.
            assertThat(secondsSince(start)).isLessThan(DEADLINE + 5);
            awaitClosed(git);
        }
    }

    @Test
    void build_pastTheDeadline_isStoppedOnTheEngine_andLeavesNothing() throws Exception {
        try (TricklingServer index = new TricklingServer()) {
            AgentRepo repo = AgentRepo.create(env.dir, "slow-build", Map.of("main.py", AgentRepo.HTTP_AGENT,
                    "requirements.txt", "--index-url " + index.url("/simple/") + "\nslow-package\n"));
            env.git.serve("slow-build", repo.repository());
            Set<String> containersBefore = containerIds();
            Set<String> danglingBefore = danglingImages();
            ObjectNode body = env.body("slow-build").put("repo_url", env.git.url("slow-build"));
            long start = System.nanoTime();
            VmException e = catchThrowableOfType(VmException.class, () -> deploy(body));
            assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
            assertThat(e.detail()).startsWith("deployment_failed: build: the build did not finish within").contains("stopped");
            assertThat(secondsSince(start)).isLessThan(DEADLINE + 5);
            assertThat(index.accepted()).as("pip reached the index through the build's host network").isPositive();
            // The engine cancelled the build: pip's connection is closed, its step's container and layers are gone.
            awaitClosed(index);
            awaitTrue(() -> containerIds().equals(containersBefore), "containers left by the build");
            awaitTrue(() -> danglingImages().equals(danglingBefore), "layers left by the build");
        }
    }

    @Test
    void deploy_ofAnAgentThatNeverAnswers_isRunningButNotReady_byTheDeadline() {
        String agent = "silent";
        AgentRepo repo;
        try {
            repo = AgentRepo.create(env.dir, agent, Map.of("main.py", String.join("\n", "import socket, time",
                    "s = socket.socket()", "s.bind(('0.0.0.0', 8080))", "s.listen(64)", "time.sleep(3600)", "")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        env.git.serve(agent, repo.repository());
        long start = System.nanoTime();
        Results.Deployed d = deploy(env.body(agent).put("repo_url", env.git.url(agent)));
        assertThat(secondsSince(start)).isLessThan(DEADLINE + 5);
        assertThat(d.status()).isEqualTo("running");
        assertThat(d.ready()).isFalse();
        assertThat(d.notReadyBecause()).contains("/health on port 8080 did not answer");
    }

    static Set<String> containerIds() {
        return env.docker.listContainersCmd().withShowAll(true).exec().stream().map(Container::getId).collect(Collectors.toSet());
    }

    static Set<String> danglingImages() {
        return env.docker.listImagesCmd().withDanglingFilter(true).exec().stream().map(Image::getId).collect(Collectors.toSet());
    }

    static void awaitClosed(TricklingServer server) throws InterruptedException {
        awaitTrue(() -> server.open() == 0, "connections still open to " + server.url("/"));
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError(what);
            Thread.sleep(200);
        }
    }
}
