package dev.vmroutes.deploy;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.vmroutes.api.Results;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Image retention on the real engine: an agent keeps the images of its last VM_KEEP_IMAGES successful deployments. */
class RetentionIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_KEEP_IMAGES", "2");

    @Test
    void afterFiveDeploys_onlyTheLastTwoImagesRemain_andTheOlderOnesAreGoneWithTheirLayers() throws Exception {
        String agent = "retained";
        AgentRepo repo = AgentRepo.create(env.dir, "retained", Map.of("main.py", LifecycleIT.versionAgent("r1", 0)));
        env.git.serve("retained", repo.repository());
        // Another agent on the same first commit shares its image: removing this agent's tag must leave it.
        var body = TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url("retained")).put("auth_token", env.token);
        List<Results.Deployed> deploys = new ArrayList<>();
        List<String> imageIds = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            if (i > 1) repo.commit(Map.of("main.py", LifecycleIT.versionAgent("r" + i, 0)));
            Results.Deployed d = env.deploy(body.deepCopy().put("agent_name", agent));
            assertThat(d.ready()).isTrue();
            deploys.add(d);
            imageIds.add(env.docker.inspectImageCmd(d.image()).exec().getId());
            if (i == 1) env.deploy(body.deepCopy().put("agent_name", "sharer"));
        }

        List<String> agentTags = env.docker.listImagesCmd().withReferenceFilter("vm-routes-agent:*-" + agent).exec().stream()
                .flatMap(image -> List.of(image.getRepoTags()).stream()).toList();
        for (int i = 0; i < 5; i++) {
            assertThat(agentTags.contains(deploys.get(i).image())).as("r" + (i + 1) + " tagged").isEqualTo(i >= 3);
        }
        // r2 and r3 had no other tag: the images themselves are gone, and the layers only they used with them.
        for (int i = 1; i <= 2; i++) {
            String id = imageIds.get(i);
            assertThatThrownBy(() -> env.docker.inspectImageCmd(id).exec()).isInstanceOf(NotFoundException.class);
        }
        // r1's image lives on under the other agent's tag.
        assertThat(env.docker.inspectImageCmd(imageIds.get(0)).exec().getRepoTags()).allMatch(t -> t.endsWith("-sharer"));

        for (int i = 0; i < 5; i++) {
            Deployment record = env.store.get(deploys.get(i).deploymentId()).orElseThrow();
            assertThat(record.imageKept()).as("r" + (i + 1) + " image kept").isEqualTo(i >= 3);
        }
        assertThat(env.store.get(deploys.get(3).deploymentId()).orElseThrow().status()).isEqualTo("replaced");
    }
}
