package dev.vmroutes.deploy;

import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A build that fails: 502 in the build phase with pip's own words, and the layers it made are
 * removed. It counts the engine's dangling images, so it runs while no other test class does.
 */
@Isolated
class BuildFailureIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @Test
    void deploy_failingBuild_is502InBuildWithLogTailAndRemovesLayers() throws Exception {
        AgentRepo broken = AgentRepo.create(env.dir, "broken", Map.of("main.py", "print('x')\n",
                "requirements.txt", "this is not a requirement ===\n"));
        env.git.serve("broken", broken.repository());
        String agent = "failing-build";
        int danglingBefore = dangling();
        VmException e = DeployIT.assertDeployFails(env, DeployIT.body(env.git.url("broken"), agent).put("auth_token", env.token), "build", agent);
        // pip's own complaint, which the echoed RUN line (pip install -r requirements.txt) does not contain
        assertThat(e.detail()).contains("Invalid requirement");
        assertThat(dangling()).isLessThanOrEqualTo(danglingBefore);
    }

    private static int dangling() {
        return env.docker.listImagesCmd().withDanglingFilter(true).exec().size();
    }

}
