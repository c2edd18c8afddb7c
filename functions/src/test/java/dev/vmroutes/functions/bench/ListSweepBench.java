package dev.vmroutes.functions.bench;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.vmroutes.api.Results;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.Probe;
import dev.vmroutes.testing.TestRoutes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * List with 1 and with 100 managed containers, and a sweep of 1 against a sweep of 50, on the
 * real engine (mutual TLS) and table, in one run. Run through scripts/bench-list-sweep.
 */
public final class ListSweepBench {

    static final String AGENT = "bench-ls";

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        TestRoutes env = new TestRoutes().start();
        long others = env.docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("jules.managed", "true")).exec().size();
        if (others > 0) System.err.println("note: " + others + " other managed containers are on this engine and count in every list");
        try {
            Results.Deployed first = env.deploy(env.body(AGENT));

            Supplier<?> engineList = () -> env.docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("jules.managed", "true")).exec();
            long list1 = median(iterations, () -> env.list());
            long engine1 = median(iterations, engineList);
            long store1 = median(iterations, () -> env.store.listLive());
            long sweep1 = median(iterations, () -> env.sweep());
            startMore(env, first.image(), 49);
            long sweep50 = median(iterations, () -> env.sweep());
            long storeWrites50 = median(iterations, () -> {
                env.store.recordProbes(env.store.listLive().stream().filter(d -> d.agentName().equals(AGENT))
                        .map(d -> new Probe(d.id(), "healthy", "running", Instant.now())).toList());
                return null;
            });
            startMore(env, first.image(), 50);
            long list100 = median(iterations, () -> env.list());
            long engine100 = median(iterations, engineList);
            long store100 = median(iterations, () -> env.store.listLive());

            System.out.printf("list    1 container : %6.1f ms%n", list1 / 1e6);
            System.out.printf("list  100 containers: %6.1f ms  ratio %.2f (target < 2)%n", list100 / 1e6, (double) list100 / list1);
            System.out.printf("  of which the engine's list call: %.1f ms -> %.1f ms (ratio %.2f); the table scan: %.1f ms -> %.1f ms (ratio %.2f)%n",
                    engine1 / 1e6, engine100 / 1e6, (double) engine100 / engine1, store1 / 1e6, store100 / 1e6, (double) store100 / store1);
            System.out.printf("sweep   1 container : %6.1f ms%n", sweep1 / 1e6);
            System.out.printf("sweep  50 containers: %6.1f ms  ratio %.2f (target < 3)%n", sweep50 / 1e6, (double) sweep50 / sweep1);
            System.out.printf("  of which writing the 50 probe results (batched): %.1f ms%n", storeWrites50 / 1e6);
            System.out.printf("median of %d runs each, after a warm-up run; sweep concurrency 8%n", iterations);
        } finally {
            env.removeAgentContainers(AGENT);
            env.close();
        }
    }

    /** Starts {@code count} more agents from the deployed image, each with a deployment record, as a deploy would. */
    static void startMore(TestRoutes env, String image, int count) {
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            String name = "jules-agent-" + AGENT + "-" + id.substring(0, 8);
            String containerId = env.docker.createContainerCmd(image).withName(name)
                    .withLabels(Map.of("jules.managed", "true", "jules.agent", AGENT, "jules.deployment", id, "jules.port", "8080"))
                    .withExposedPorts(ExposedPort.tcp(8080))
                    .withHostConfig(HostConfig.newHostConfig().withPortBindings(
                            new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8080))))
                    .exec().getId();
            env.docker.startContainerCmd(containerId).exec();
            Deployment record = env.store.create(Deployment.building(id, AGENT, name, "http://127.0.0.1/agent.git", "main", Instant.now()));
            env.store.update(record.running(containerId, "c", image, "running", Map.of(), Instant.now()));
        }
    }

    static long median(int iterations, Supplier<?> action) {
        action.get();
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            action.get();
            nanos.add(System.nanoTime() - start);
        }
        nanos.sort(null);
        return nanos.get(nanos.size() / 2);
    }
}
