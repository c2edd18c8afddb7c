package dev.vmroutes.audit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every audit trail must have; run against dynalite and against the embedded store.
 * Each test has a "now" of its own, days apart from any other test's, so the entries of one test
 * are never within another's retention.
 */
abstract class AuditTrailContract {

    static final Duration RETENTION = Duration.ofDays(30);
    private static final AtomicLong NEXT_NOW = new AtomicLong(Instant.parse("2031-01-01T12:00:00Z").getEpochSecond());

    /** A trail over the store under test whose clock reads {@code now}. */
    abstract AuditTrail trail(Clock now);

    final Instant now = Instant.ofEpochSecond(NEXT_NOW.getAndAdd(86_400L * 100));
    AuditTrail trail;

    @BeforeEach
    void openTrail() {
        trail = trail(Clock.fixed(now, ZoneOffset.UTC));
    }

    static AuditEntry entry(String agent, Instant at, String action) {
        return new AuditEntry(UUID.randomUUID().toString(), at, action, agent, "jules-agent-" + agent + "-1", "accepted",
                "token:ci", "203.0.113.10", "req-" + UUID.randomUUID());
    }

    private AuditEntry recorded(String agent, Instant at, String action) {
        AuditEntry entry = entry(agent, at, action);
        trail.record(entry);
        return entry;
    }

    @Test
    void list_isNewestFirst_acrossDays_withEveryField() {
        AuditEntry dayBefore = recorded("a1", now.minus(Duration.ofDays(1)), "deploy");
        AuditEntry midnight = recorded("a2", now.truncatedTo(java.time.temporal.ChronoUnit.DAYS), "stop");
        AuditEntry justNow = recorded("a1", now.minusMillis(1), "rollback");
        AuditEntry lastWeek = recorded("a3", now.minus(Duration.ofDays(7)).plusNanos(123), "cancel");

        assertThat(trail.list(null, null, 10, a -> true)).containsExactly(justNow, midnight, dayBefore, lastWeek);
        assertThat(trail.list("a1", null, 10, a -> true)).containsExactly(justNow, dayBefore);
    }

    @Test
    void list_stopsAtTheLimit_andAtSince() {
        for (int i = 0; i < 5; i++) recorded("b1", now.minus(Duration.ofHours(20L * i)), "deploy");
        List<AuditEntry> all = trail.list(null, null, 10, a -> true);
        assertThat(all).hasSize(5);
        assertThat(trail.list(null, null, 2, a -> true)).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(trail.list("b1", null, 3, a -> true)).containsExactlyElementsOf(all.subList(0, 3));
        Instant since = all.get(2).at();
        assertThat(trail.list(null, since, 10, a -> true)).as("since is inclusive").containsExactlyElementsOf(all.subList(0, 3));
        assertThat(trail.list("b1", since, 10, a -> true)).containsExactlyElementsOf(all.subList(0, 3));
        assertThat(trail.list(null, now.plusSeconds(1), 10, a -> true)).isEmpty();
    }

    @Test
    void list_answersOnlyWhatTheCallerMaySee_stillUpToTheLimit() {
        for (int i = 0; i < 3; i++) {
            recorded("team-a-" + i, now.minus(Duration.ofHours(10L * i + 1)), "deploy");
            recorded("team-b-" + i, now.minus(Duration.ofHours(10L * i)), "deploy");
        }
        recorded(null, now.minusSeconds(5), "batch_stop");
        List<AuditEntry> teamA = trail.list(null, null, 3, a -> a != null && a.startsWith("team-a-"));
        assertThat(teamA).extracting(AuditEntry::agentName).containsExactly("team-a-0", "team-a-1", "team-a-2");
        assertThat(trail.list("team-b-1", null, 10, a -> a != null && a.startsWith("team-a-"))).isEmpty();
        assertThat(trail.list("team-a-1", null, 10, a -> a != null && a.startsWith("team-a-")))
                .extracting(AuditEntry::agentName).containsExactly("team-a-1");
        assertThat(trail.list(null, null, 10, a -> true)).hasSize(7).extracting(AuditEntry::agentName).contains((String) null);
    }

    @Test
    void entries_pastTheRetention_areNotAnswered() {
        AuditEntry kept = recorded("c1", now.minus(RETENTION).plusSeconds(60), "deploy");
        recorded("c1", now.minus(RETENTION).minusSeconds(60), "deploy");
        assertThat(trail.list(null, null, 10, a -> true)).containsExactly(kept);
        assertThat(trail.list("c1", null, 10, a -> true)).containsExactly(kept);
        assertThat(trail.list("c1", now.minus(RETENTION.multipliedBy(2)), 10, a -> true)).containsExactly(kept);
    }

    @Test
    void list_ofAnAgentWithNoEntries_isEmpty() {
        recorded("d1", now.minusSeconds(1), "deploy");
        assertThat(trail.list("d2", null, 10, a -> true)).isEmpty();
    }
}
