package dev.vmroutes.functions.bench;

import dev.vmroutes.api.Results;
import dev.vmroutes.store.DynamoDeploymentStore;
import dev.vmroutes.store.StoreSeed;
import dev.vmroutes.testing.TestRoutes;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether the table's size shows: list (100 running agents) beside the engine's own list of the
 * same containers, and an agent's history (limit 20), each with 1,000 and then 100,000 finished
 * records in the table, on the real engine (mutual TLS) and dynalite, in one run. Run through
 * scripts/bench-table.
 */
public final class TableGrowthBench {

    static final String AGENT = ListSweepBench.AGENT;

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        TestRoutes env = new TestRoutes().start();
        DynamoDeploymentStore store = (DynamoDeploymentStore) env.store;
        try {
            Results.Deployed first = env.deploy(env.body(AGENT));
            ListSweepBench.startMore(env, first.image(), 99);
            Supplier<?> engineList = () -> env.docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("jules.managed", "true")).exec();
            // The floor under list: the two reads it makes, made at once, with nothing of ours around them.
            Supplier<?> bothReads = () -> {
                var table = java.util.concurrent.CompletableFuture.supplyAsync(store::listLive, Thread::startVirtualThread);
                engineList.get();
                return table.join();
            };
            Supplier<?> history = () -> env.routes.agents().deployments().history("bench-history-0", 20);

            StoreSeed.finished(store, "bench-history", 100, 1_000);
            long list1k = ListSweepBench.median(iterations, env::list);
            long engine1k = ListSweepBench.median(iterations, engineList);
            long history1k = ListSweepBench.median(iterations, history);
            long live1k = ListSweepBench.median(iterations, store::listLive);
            long floor1k = ListSweepBench.median(iterations, bothReads);

            System.err.printf("writing %,d more finished records...%n", large - 1_000);
            long seedStart = System.nanoTime();
            StoreSeed.finished(store, "bench-history", 100, large - 1_000);
            System.err.printf("  took %.0f s%n", (System.nanoTime() - seedStart) / 1e9);
            long listLarge = ListSweepBench.median(iterations, env::list);
            long engineLarge = ListSweepBench.median(iterations, engineList);
            long historyLarge = ListSweepBench.median(iterations, history);
            long liveLarge = ListSweepBench.median(iterations, store::listLive);
            long floorLarge = ListSweepBench.median(iterations, bothReads);

            System.out.printf("list of 100 agents, %,7d records: %6.1f ms; engine's own list %6.1f ms; ratio %.2f (target <= 1.25)%n",
                    1_000, list1k / 1e6, engine1k / 1e6, (double) list1k / engine1k);
            System.out.printf("list of 100 agents, %,7d records: %6.1f ms; engine's own list %6.1f ms; ratio %.2f (target <= 1.25)%n",
                    large, listLarge / 1e6, engineLarge / 1e6, (double) listLarge / engineLarge);
            System.out.printf("  of which the table's part alone (the live index and the probes, read beside the engine's list): %.1f ms -> %.1f ms%n",
                    live1k / 1e6, liveLarge / 1e6);
            System.out.printf("  the floor, both reads at once: %.1f ms -> %.1f ms; list against it %.2fx -> %.2fx%n",
                    floor1k / 1e6, floorLarge / 1e6, (double) list1k / floor1k, (double) listLarge / floorLarge);
            System.out.printf("history (limit 20), %,7d records: %6.1f ms (target <= 20)%n", 1_000, history1k / 1e6);
            System.out.printf("history (limit 20), %,7d records: %6.1f ms (target <= 20)%n", large, historyLarge / 1e6);
            System.out.printf("the table's size: list %.2fx, history %.2fx from %,d to %,d records%n",
                    (double) listLarge / list1k, (double) historyLarge / history1k, 1_000, large);
            System.out.printf("median of %d runs each, after a warm-up run%n", iterations);
        } finally {
            env.removeAgentContainers(AGENT);
            env.close();
        }
    }
}
