package dev.vmroutes.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The local run's health samples: the contract, and samples kept across a restart. */
class EmbeddedHealthSamplesTest extends HealthSamplesContract {

    @TempDir
    Path dir;
    EmbeddedHealthSamples opened;

    @Override
    HealthSamples samples(Clock now) {
        opened = new EmbeddedHealthSamples(dir.resolve("health.mv.db"), now);
        return opened;
    }

    @AfterEach
    void close() {
        opened.close();
    }

    @Test
    void samples_outliveARestart() {
        HealthSample kept = sample(agent, Duration.ofMinutes(1), true, 200);
        samples.record(List.of(kept));
        opened.close();

        samples = samples(Clock.fixed(now, ZoneOffset.UTC));

        assertThat(samples.since(agent, now.minus(Duration.ofDays(1)))).containsExactly(kept);
    }
}
