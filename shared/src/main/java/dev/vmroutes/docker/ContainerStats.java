package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.VmException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One sample of a container's resource use as the engine measures it. With {@code stream=false}
 * the engine takes two readings about a second apart, so the CPU figure covers that second.
 */
public record ContainerStats(DockerClient docker, Duration timeout) {

    /**
     * @param cpuPercent  as {@code docker stats} shows it: 100 is one core fully busy
     * @param memoryBytes in use, without the page cache the kernel may reclaim (as {@code docker stats})
     * @param memoryLimitBytes the container's limit, or the host's memory when it has none
     */
    public record Sample(double cpuPercent, long memoryBytes, long memoryLimitBytes, long pids) {
    }

    public Sample read(String containerId) {
        Duration wait = Deadline.cap(timeout);
        Statistics stats = EngineErrors.call(() -> {
            try (Collector collector = docker.statsCmd(containerId).withNoStream(true).exec(new Collector())) {
                boolean arrived = collector.awaitCompletion(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (collector.failure != null) throw collector.failure;
                return arrived || collector.sample != null ? collector.sample : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        if (stats == null) {
            throw VmException.unavailable("Docker engine", "the container's stats did not arrive within " + wait.toSeconds() + " s", null);
        }
        return sample(stats);
    }

    /** The figures {@code docker stats} computes from one reading and the one before it. */
    public static Sample sample(Statistics stats) {
        MemoryStatsConfig memory = stats.getMemoryStats();
        long usage = memory == null ? 0 : orZero(memory.getUsage());
        if (memory != null && memory.getStats() != null) {
            // cgroup v2 reports inactive_file, v1 total_inactive_file: the cache docker stats leaves out
            Long inactive = memory.getStats().getInactiveFile() != null ? memory.getStats().getInactiveFile()
                    : memory.getStats().getTotalInactiveFile();
            if (inactive != null && inactive < usage) usage -= inactive;
        }
        long limit = memory == null ? 0 : orZero(memory.getLimit());
        long pids = stats.getPidsStats() == null ? 0 : orZero(stats.getPidsStats().getCurrent());
        return new Sample(cpuPercent(stats.getCpuStats(), stats.getPreCpuStats()), usage, limit, pids);
    }

    static double cpuPercent(CpuStatsConfig now, CpuStatsConfig before) {
        if (now == null || now.getCpuUsage() == null) return 0;
        long beforeTotal = before == null || before.getCpuUsage() == null ? 0 : orZero(before.getCpuUsage().getTotalUsage());
        long beforeSystem = before == null ? 0 : orZero(before.getSystemCpuUsage());
        double cpuDelta = orZero(now.getCpuUsage().getTotalUsage()) - beforeTotal;
        double systemDelta = orZero(now.getSystemCpuUsage()) - beforeSystem;
        long cpus = orZero(now.getOnlineCpus());
        if (cpus == 0 && now.getCpuUsage().getPercpuUsage() != null) cpus = now.getCpuUsage().getPercpuUsage().size();
        if (cpuDelta <= 0 || systemDelta <= 0) return 0;
        return Math.round(cpuDelta / systemDelta * cpus * 100 * 100) / 100.0;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static final class Collector extends ResultCallback.Adapter<Statistics> {
        private volatile Statistics sample;
        private volatile RuntimeException failure;

        @Override
        public void onNext(Statistics statistics) {
            sample = statistics;
        }

        @Override
        public void onError(Throwable error) {
            RuntimeException e = error instanceof RuntimeException r ? r : new IllegalStateException(error);
            failure = EngineErrors.asUnavailable(e).<RuntimeException>map(u -> u).orElse(e);
            super.onError(error);
        }
    }
}
