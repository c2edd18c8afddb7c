package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.HostilePackageIndex;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Builds that try to take the engine's host: a package whose build allocates without end, one
 * that forks without end, a repository over the size cap. Each fails in its phase with its
 * reason, while other calls and deploys go on.
 */
class BuildBoundsIT {

    static final HostilePackageIndex index = start();

    @RegisterExtension
    static final TestRoutes env = new TestRoutes()
            .with("VM_BUILD_NETWORK", "host").with("VM_ALLOW_HOST_BUILD_NETWORK", "true")
            .with("VM_PIP_INDEX_URL", index.url())
            .with("VM_BUILD_MEMORY", "768m").with("VM_BUILD_PIDS", "64").with("VM_BUILD_CPUS", "0.5")
            .with("VM_MAX_REPO_MB", "1");

    static HostilePackageIndex start() {
        try {
            return new HostilePackageIndex(Map.of(
                    "allocator", "hoard = []\nwhile True:\n    hoard.append(bytearray(32 << 20))",
                    "forker", "import os\nwhile True:\n    os.fork()"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private ObjectNode requiring(String agent, String requirement) throws Exception {
        AgentRepo repo = AgentRepo.create(env.dir, agent, Map.of("main.py", AgentRepo.HTTP_AGENT, "requirements.txt", requirement + "\n"));
        env.git.serve(agent, repo.repository());
        return env.body(agent).put("repo_url", env.git.url(agent));
    }

    @Test
    void aBuildThatAllocatesWithoutEnd_failsInBuild_whileOtherCallsAndDeploysGoOn() throws Exception {
        ObjectNode hoarder = requiring("hoarder", "allocator");
        CompletableFuture<Results.Deployed> hostile = CompletableFuture.supplyAsync(() -> env.deploy(hoarder));
        Results.Deployed other = env.deploy(env.body("bystander"));
        assertThat(other.ready()).isTrue();
        assertThat(env.list()).isNotNull();

        assertThat(hostile).failsWithin(java.time.Duration.ofMinutes(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(VmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
                    assertThat(e.detail()).startsWith("deployment_failed: build: ")
                            .containsPattern("(?i)killed|-9|137|MemoryError");
                });
        assertThat(env.agentContainers("hoarder")).isEmpty();
    }

    @Test
    void aBuildThatForksWithoutEnd_failsInBuild() throws Exception {
        ObjectNode forker = requiring("forker", "forker");
        assertThatThrownBy(() -> env.deploy(forker)).isInstanceOfSatisfying(VmException.class, e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
            assertThat(e.detail()).startsWith("deployment_failed: build: ").contains("returned a non-zero code");
        });
        // The build's whole output: its forks were refused at the process limit, not killed for memory.
        String id = env.allRecords().stream().filter(d -> "forker".equals(d.agentName())).findFirst().orElseThrow().id();
        assertThat(env.routes.agents().deployments().log(id, 0).log()).contains("BlockingIOError: [Errno 11] Resource temporarily unavailable");
        assertThat(env.list()).isNotNull();
    }

    @Test
    void aRepositoryOverTheSizeCap_failsInClone_withItsReason() throws Exception {
        byte[] noise = new byte[3 << 20];
        new Random(21).nextBytes(noise);
        AgentRepo repo = AgentRepo.create(env.dir, "hefty", Map.of("main.py", AgentRepo.HTTP_AGENT,
                "noise.txt", Base64.getEncoder().encodeToString(noise)));
        env.git.serve("hefty", repo.repository());
        assertThatThrownBy(() -> env.deploy(env.body("hefty").put("repo_url", env.git.url("hefty"))))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.detail())
                        .startsWith("deployment_failed: clone: ").contains("larger than 1 MB (VM_MAX_REPO_MB)"));
        assertThat(env.agentContainers("hefty")).isEmpty();
    }
}
