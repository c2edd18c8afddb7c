package dev.vmroutes.config;

/**
 * What a build and an agent may take of the engine's host; 0 turns a bound off.
 *
 * @param buildMemoryBytes memory of a build step, swap included (no swap beyond it)
 * @param buildCpuMillis   CPUs of a build step, in thousandths
 * @param buildPids        processes of the requirements' install (shared by the installs running at once)
 * @param maxRepoBytes     what a fetch may receive; larger repositories fail in {@code clone}
 * @param agentDiskBytes   an agent's writable space ({@code /tmp}); 0: unbounded (a writable root filesystem)
 */
public record Bounds(long buildMemoryBytes, long buildCpuMillis, long buildPids, long maxRepoBytes, long agentDiskBytes) {
    public static final Bounds OFF = new Bounds(0, 0, 0, 0, 0);
}
