package dev.vmroutes.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The figures {@code docker stats} shows, from the engine's own JSON (cgroup v2 and v1). */
class ContainerStatsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Statistics parse(String json) throws Exception {
        return JSON.readValue(json, Statistics.class);
    }

    @Test
    void cgroupV2_cpuFromTheDeltasTimesOnlineCpus_memoryWithoutInactiveFile() throws Exception {
        Statistics stats = parse("""
                {"cpu_stats": {"cpu_usage": {"total_usage": 1500000000}, "system_cpu_usage": 20000000000, "online_cpus": 2},
                 "precpu_stats": {"cpu_usage": {"total_usage": 1000000000}, "system_cpu_usage": 18000000000},
                 "memory_stats": {"usage": 50000000, "limit": 268435456, "stats": {"inactive_file": 10000000}},
                 "pids_stats": {"current": 3}}""");

        ContainerStats.Sample sample = ContainerStats.sample(stats);

        // 0.5 s of CPU over 2 s of the host's two cores: 25 % of the host, 50 % of one core
        assertThat(sample.cpuPercent()).isEqualTo(50.0);
        assertThat(sample.memoryBytes()).isEqualTo(40_000_000L);
        assertThat(sample.memoryLimitBytes()).isEqualTo(268_435_456L);
        assertThat(sample.pids()).isEqualTo(3);
    }

    @Test
    void cgroupV1_countsCpusFromPerCpuUsage_andLeavesOutTotalInactiveFile() throws Exception {
        Statistics stats = parse("""
                {"cpu_stats": {"cpu_usage": {"total_usage": 300, "percpu_usage": [100, 100, 50, 50]}, "system_cpu_usage": 2000},
                 "precpu_stats": {"cpu_usage": {"total_usage": 100}, "system_cpu_usage": 1000},
                 "memory_stats": {"usage": 9000, "limit": 100000, "stats": {"total_inactive_file": 1000}}}""");

        ContainerStats.Sample sample = ContainerStats.sample(stats);

        assertThat(sample.cpuPercent()).isEqualTo(80.0);
        assertThat(sample.memoryBytes()).isEqualTo(8000L);
        assertThat(sample.pids()).isZero();
    }

    @Test
    void firstReading_withNoEarlierOne_orAnIdleContainer_isZeroCpu() throws Exception {
        assertThat(ContainerStats.sample(parse("""
                {"cpu_stats": {"cpu_usage": {"total_usage": 300}, "system_cpu_usage": 2000, "online_cpus": 1},
                 "precpu_stats": {"cpu_usage": {"total_usage": 300}, "system_cpu_usage": 1000}}""")).cpuPercent()).isZero();
        assertThat(ContainerStats.sample(parse("{}")).cpuPercent()).isZero();
    }
}
