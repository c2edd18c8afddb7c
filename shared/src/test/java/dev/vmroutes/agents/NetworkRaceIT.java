package dev.vmroutes.agents;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentNetworks;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Networks made by deploys that race each other and the stop of a network's last agent, on the
 * real engine, whose duplicate-name check is best effort. The class's agents that share no
 * network join an isolated network of its own, so it can start without one.
 */
class NetworkRaceIT {

    static final String ISOLATED = "jules-isolated-test-" + UUID.randomUUID().toString().substring(0, 8);

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_ISOLATED_NETWORK", ISOLATED);

    /** The engine is shared and bridges are few: what the class made goes, containers first. */
    @AfterAll
    static void removeNetworks() {
        for (String agent : List.of("race-warm", "race-0", "race-1", "race-2", "race-3", "race-4", "alone-0", "alone-1", "alone-2",
                "alone-3", "alone-4", "churn-0", "churn-1", "churn-2", "churn-3")) {
            env.removeAgentContainers(agent);
        }
        for (Network n : env.docker.listNetworksCmd().exec()) {
            if (n.getName().equals(ISOLATED) || MADE.stream().anyMatch(n.getName()::endsWith)) {
                env.docker.removeNetworkCmd(n.getId()).exec();
            }
        }
    }

    static final List<String> MADE = new java.util.concurrent.CopyOnWriteArrayList<>();

    static String network(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        MADE.add(name);
        return name;
    }

    @Test
    void fiveDeploysNamingOneNewNetworkAtOnce_makeOneNetwork_andAllRunOnIt() throws Exception {
        String network = network("race");
        // The image first, so the five reach their networks together rather than one build after another.
        env.deploy(env.body("race-warm").put("network", "warm-" + network));
        List<Results.Deployed> deployed = atOnce(5, i -> env.deploy(env.body("race-" + i).put("network", network)));

        assertThat(named("jules-net-" + network)).hasSize(1);
        for (Results.Deployed d : deployed) {
            assertThat(d.ready()).isTrue();
            assertThat(env.docker.inspectContainerCmd(d.containerId()).exec().getNetworkSettings().getNetworks())
                    .containsKey("jules-net-" + network);
        }
        assertThat(env.list()).filteredOn(r -> r.agentName().matches("race-[0-9]"))
                .hasSize(5).allSatisfy(r -> assertThat(r.network()).isEqualTo(network));
    }

    @Test
    void fiveDeploysWithoutANetwork_onAnEngineWithoutTheIsolatedNetwork_makeItOnce() throws Exception {
        assertThat(named(ISOLATED)).isEmpty();
        List<Results.Deployed> deployed = atOnce(5, i -> env.deploy(env.body("alone-" + i)));

        List<Network> isolated = named(ISOLATED);
        assertThat(isolated).hasSize(1);
        assertThat(isolated.get(0).getOptions()).containsEntry("com.docker.network.bridge.enable_icc", "false");
        for (Results.Deployed d : deployed) {
            assertThat(d.ready()).isTrue();
            assertThat(env.docker.inspectContainerCmd(d.containerId()).exec().getNetworkSettings().getNetworks())
                    .containsOnlyKeys(ISOLATED);
        }
    }

    @Test
    void duplicatesTheEngineLetThrough_areReconciled_toTheOldest() {
        String name = "jules-net-dup-" + UUID.randomUUID().toString().substring(0, 8);
        String first = env.docker.createNetworkCmd().withName(name).withCheckDuplicate(false)
                .withLabels(Map.of("jules.managed", "true")).exec().getId();
        env.docker.createNetworkCmd().withName(name).withCheckDuplicate(false).withLabels(Map.of("jules.managed", "true")).exec();
        assertThat(named(name)).hasSize(2);

        assertThat(new AgentNetworks(env.docker).ensure(name)).isEqualTo(first);
        assertThat(named(name)).extracting(Network::getId).containsExactly(first);
        env.docker.removeNetworkCmd(first).exec();
    }

    @Test
    void aNetworkRemovedWhileAnAgentJoinsIt_isMadeAgain_andTheAgentRuns() throws Exception {
        String name = "jules-net-join-" + UUID.randomUUID().toString().substring(0, 8);
        AgentNetworks networks = new AgentNetworks(env.docker);
        AtomicBoolean stoppedMeanwhile = new AtomicBoolean();
        String container = networks.join(name, id -> {
            // The network's last other agent stops between finding the network and joining it.
            if (stoppedMeanwhile.compareAndSet(false, true)) networks.removeIfUnused(id);
            String created = env.docker.createContainerCmd("python:3.11-slim").withCmd("sleep", "60")
                    .withLabels(Map.of("jules.agent", "joiner"))
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode(id)).exec().getId();
            try {
                env.docker.startContainerCmd(created).exec();
            } catch (RuntimeException e) {
                env.docker.removeContainerCmd(created).withForce(true).exec();
                throw e;
            }
            return created;
        });
        try {
            assertThat(stoppedMeanwhile).isTrue();
            var inspected = env.docker.inspectContainerCmd(container).exec();
            assertThat(inspected.getState().getRunning()).isTrue();
            assertThat(inspected.getNetworkSettings().getNetworks()).containsOnlyKeys(name);
        } finally {
            env.docker.removeContainerCmd(container).withForce(true).exec();
            networks.removeIfUnused(name);
        }
        assertThat(named(name)).isEmpty();
    }

    @Test
    void deploysJoiningANetworkWhileItsLastAgentStops_allRun() throws Exception {
        String network = network("churn");
        Results.Deployed last = env.deploy(env.body("churn-0").put("network", network));
        for (int round = 1; round <= 3; round++) {
            Results.Deployed leaving = last;
            int n = round;
            List<Object> both = atOnce(2, i -> i == 0
                    ? env.stop(TestRoutes.JSON.createObjectNode().put("container_name", leaving.containerName()))
                    : env.deploy(env.body("churn-" + n).put("network", network)));
            last = (Results.Deployed) both.get(1);
            assertThat(last.ready()).as("round " + round).isTrue();
            assertThat(env.docker.inspectContainerCmd(last.containerId()).exec().getNetworkSettings().getNetworks())
                    .containsOnlyKeys("jules-net-" + network);
        }
        assertThat(named("jules-net-" + network)).hasSize(1);
    }

    private static List<Network> named(String name) {
        return env.docker.listNetworksCmd().withNameFilter(name).exec().stream().filter(n -> name.equals(n.getName())).toList();
    }

    interface Indexed<T> {
        T call(int i) throws Exception;
    }

    /** Runs {@code n} calls released at one moment; their results in order. */
    private static <T> List<T> atOnce(int n, Indexed<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    go.await();
                    return call.call(index);
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
