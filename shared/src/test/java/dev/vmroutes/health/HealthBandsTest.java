package dev.vmroutes.health;

import dev.vmroutes.api.Results;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Samples merged into bands: a run of one outcome is one band, which lasts until the next check unless the checks stopped. */
class HealthBandsTest {

    static final Instant T = Instant.parse("2031-03-01T12:00:00Z");

    static HealthSample at(int minutes, boolean up, Integer code) {
        return new HealthSample("bot", "jules-agent-bot-1", T.plus(Duration.ofMinutes(minutes)), up, code);
    }

    static Instant t(int minutes) {
        return T.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void runsOfOneOutcome_becomeOneBand_endingWhereTheNextBegins() {
        List<Results.HealthBand> bands = HealthBands.merge(List.of(at(0, true, 200), at(5, true, 200), at(10, false, 503),
                at(15, false, null), at(20, true, 200)));

        assertThat(bands).containsExactly(
                new Results.HealthBand("up", t(0), t(10), 2, 200),
                new Results.HealthBand("down", t(10), t(20), 2, null),
                new Results.HealthBand("up", t(20), t(20), 1, 200));
    }

    @Test
    void aSilenceLongerThanTheMaxGap_endsTheBandAtItsLastCheck() {
        List<Results.HealthBand> bands = HealthBands.merge(List.of(at(0, true, 200), at(5, true, 200), at(5 + 31, true, 200)));

        assertThat(bands).containsExactly(
                new Results.HealthBand("up", t(0), t(5), 2, 200),
                new Results.HealthBand("up", t(36), t(36), 1, 200));
    }

    @Test
    void noSamples_noBands() {
        assertThat(HealthBands.merge(List.of())).isEmpty();
    }
}
