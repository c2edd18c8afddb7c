package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.testing.PackageIndex;
import dev.vmroutes.testing.RealSizedRepo;
import dev.vmroutes.testing.TestRoutes;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deploy with the build limits and the disk cap on (the defaults: 2 GiB and 1 CPU per build step,
 * 512 processes for the install, a 512 MB repository cap, a read-only root with a 1 GiB /tmp)
 * against the same deploy with all of them off, on the real-sized repository with a requirement
 * installed from a package index on loopback. Every deploy builds a new commit (its requirements
 * change too, so pip runs each time); the sides alternate which goes first. Run through
 * scripts/bench-limits.
 */
public final class LimitsBench {

    static final List<String> BUILD = List.of("VM_BUILD_NETWORK", "host", "VM_ALLOW_HOST_BUILD_NETWORK", "true");

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("bench-limits");
        try (PackageIndex index = new PackageIndex(0)) {
            TestRoutes on = routes(index).start();
            TestRoutes off = routes(index).with("VM_BUILD_MEMORY", "0").with("VM_BUILD_CPUS", "0").with("VM_BUILD_PIDS", "0")
                    .with("VM_MAX_REPO_MB", "0").with("VM_AGENT_DISK", "0").start();
            RealSizedRepo real = RealSizedRepo.create(dir, "project");
            on.git.serve("project", real.repository());
            off.git.serve("project", real.repository());
            DeployBench.Samples samples = new DeployBench.Samples();
            try {
                for (int round = 1; round <= rounds; round++) {
                    boolean onFirst = round % 2 == 1;
                    for (TestRoutes side : onFirst ? List.of(on, off) : List.of(off, on)) {
                        String name = side == on ? "on" : "off";
                        real.commit(Map.of("requirements.txt", PackageIndex.PACKAGE + "==" + PackageIndex.VERSION + "\n# " + name + " " + round
                                + " " + System.nanoTime() + "\n", "round.txt", name + " " + round + "\n"));
                        ObjectNode body = side.body("bench-limits-" + name).put("repo_url", side.git.url("project"));
                        long start = System.nanoTime();
                        Results.Deployed deployed = side.deploy(body);
                        double ms = DeployBench.ms(System.nanoTime() - start);
                        if (!deployed.ready()) throw new IllegalStateException(name + " was not ready: " + deployed.notReadyBecause());
                        samples.add(name, ms);
                        System.err.printf(Locale.ROOT, "round %d %s: %.0f ms%n", round, name, ms);
                    }
                }
            } finally {
                on.close();
                off.close();
                DeployBench.deleteTree(dir);
            }
            double withLimits = samples.median("on");
            double without = samples.median("off");
            out.printf(Locale.ROOT, "%nA deploy of the real-sized repository (%,d files, %.1f MB, one requirement installed) with the "
                    + "build limits and disk cap on against off: %d rounds, medians%n", real.fileCount(), real.treeBytes() / 1e6, rounds);
            out.printf(Locale.ROOT, "  limits on  %8.0f ms   %s%n", withLimits, samples.values.get("on"));
            out.printf(Locale.ROOT, "  limits off %8.0f ms   %s%n", without, samples.values.get("off"));
            out.printf(Locale.ROOT, "  ratio      %8.2fx   (target <= 1.05x)%n", withLimits / without);
        }
    }

    private static TestRoutes routes(PackageIndex index) {
        TestRoutes routes = new TestRoutes().with("VM_PIP_INDEX_URL", index.url()).with("VM_PROBE_TIMEOUT_SECONDS", "3");
        for (int i = 0; i < BUILD.size(); i += 2) routes.with(BUILD.get(i), BUILD.get(i + 1));
        return routes;
    }
}
