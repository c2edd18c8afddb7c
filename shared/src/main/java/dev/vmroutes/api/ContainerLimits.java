package dev.vmroutes.api;

/** The resources an agent container gets: memory, CPUs (in billionths) and process count. */
public record ContainerLimits(long memoryBytes, long nanoCpus, long pids) {
}
