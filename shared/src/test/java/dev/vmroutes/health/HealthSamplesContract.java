package dev.vmroutes.health;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The behaviour every health samples store must have; run against dynalite and against the embedded store. */
abstract class HealthSamplesContract {

    /** A store whose clock reads {@code now}. */
    abstract HealthSamples samples(Clock now);

    final Instant now = Instant.parse("2031-03-01T12:00:00Z");
    /** Agent names of this test alone, so tests sharing a store never see each other's samples. */
    final String agent = "bot-" + UUID.randomUUID().toString().substring(0, 8);
    HealthSamples samples;

    @BeforeEach
    void open() {
        samples = samples(Clock.fixed(now, ZoneOffset.UTC));
    }

    HealthSample sample(String agentName, Duration ago, boolean up, Integer code) {
        return new HealthSample(agentName, "jules-agent-" + agentName + "-1", now.minus(ago), up, code);
    }

    @Test
    void since_answersOneAgentsSamples_oldestFirst_withEveryField_andNotItsNamesakes() {
        HealthSample older = sample(agent, Duration.ofDays(2), false, 503);
        HealthSample newer = sample(agent, Duration.ofMinutes(5), true, 200);
        HealthSample silent = sample(agent, Duration.ofMinutes(1).minusNanos(123), false, null);
        samples.record(List.of(newer, older));
        samples.record(List.of(silent, sample(agent + "-b", Duration.ofMinutes(3), true, 200), sample(agent + "b", Duration.ofMinutes(3), true, 200)));

        assertThat(samples.since(agent, now.minus(Duration.ofDays(7)))).containsExactly(older, newer, silent);
        assertThat(samples.since(agent, now.minus(Duration.ofDays(1)))).containsExactly(newer, silent);
        assertThat(samples.since("nobody-" + agent, now.minus(Duration.ofDays(7)))).isEmpty();
    }

    @Test
    void twoContainersOfOneAgent_checkedAtOnce_areBothKept() {
        HealthSample a = sample(agent, Duration.ofMinutes(2), true, 200);
        HealthSample b = new HealthSample(agent, "jules-agent-" + agent + "-2", a.at(), false, 500);
        samples.record(List.of(a, b));

        assertThat(samples.since(agent, now.minus(Duration.ofHours(1)))).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void samplesPastTheRetention_areNeverAnswered() {
        HealthSample expired = sample(agent, HealthSample.RETENTION.plusMinutes(1), true, 200);
        HealthSample kept = sample(agent, HealthSample.RETENTION.minusMinutes(1), true, 200);
        samples.record(List.of(expired, kept));

        assertThat(samples.since(agent, now.minus(Duration.ofDays(30)))).containsExactly(kept);
    }

    @Test
    void aWeekOfSweeps_everyFiveMinutes_isAnsweredWhole() {
        List<HealthSample> week = new ArrayList<>();
        for (int i = 7 * 24 * 12 - 1; i >= 0; i--) week.add(sample(agent, Duration.ofMinutes(5L * i), i % 100 != 0, 200));
        samples.record(week);

        assertThat(samples.since(agent, now.minus(Duration.ofDays(7)))).hasSize(week.size()).isEqualTo(week);
    }
}
