package dev.vmroutes.manager;

import java.util.Map;

/**
 * The resources an agent container gets: memory, CPUs and process count, read from
 * {@code VM_CONTAINER_MEMORY_MB}, {@code VM_CONTAINER_CPUS} and {@code VM_CONTAINER_PIDS}.
 */
public record ContainerLimits(long memoryBytes, long nanoCpus, long pids) {

    public static ContainerLimits fromEnvironment(Map<String, String> env) {
        long memoryMb = Long.parseLong(env.getOrDefault("VM_CONTAINER_MEMORY_MB", "512"));
        double cpus = Double.parseDouble(env.getOrDefault("VM_CONTAINER_CPUS", "1"));
        long pids = Long.parseLong(env.getOrDefault("VM_CONTAINER_PIDS", "256"));
        if (memoryMb < 16 || cpus <= 0 || pids < 8) throw new IllegalArgumentException("container limits are too small");
        return new ContainerLimits(memoryMb * 1024 * 1024, (long) (cpus * 1_000_000_000L), pids);
    }
}
