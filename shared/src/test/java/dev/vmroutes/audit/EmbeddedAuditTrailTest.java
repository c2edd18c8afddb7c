package dev.vmroutes.audit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded audit trail: the same contract, entries that survive a restart, and expired ones removed from the file. */
class EmbeddedAuditTrailTest extends AuditTrailContract {

    private final List<EmbeddedAuditTrail> opened = new ArrayList<>();
    private Path file;

    @Override
    AuditTrail trail(Clock now) {
        try {
            if (file == null) file = Files.createTempDirectory("audit-").resolve("audit.mv.db");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // One process opens the file at a time: the one opened before is closed first.
        opened.forEach(EmbeddedAuditTrail::close);
        EmbeddedAuditTrail trail = new EmbeddedAuditTrail(file, RETENTION, now);
        opened.add(trail);
        return trail;
    }

    @AfterEach
    void close() throws IOException {
        opened.forEach(EmbeddedAuditTrail::close);
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
    }

    @Test
    void entries_surviveReopeningTheFile() {
        AuditEntry entry = entry("e1", now.minusSeconds(1), "deploy");
        trail.record(entry);
        assertThat(trail(Clock.fixed(now, ZoneOffset.UTC)).list("e1", null, 10, a -> true)).containsExactly(entry);
    }

    @Test
    void expiredEntries_leaveTheFile_whenTheNextIsRecorded() {
        AuditEntry old = entry("e2", now.minusSeconds(60), "deploy");
        trail.record(old);
        AuditTrail later = trail(Clock.fixed(now.plus(RETENTION), ZoneOffset.UTC));
        AuditEntry recent = entry("e2", now.plus(RETENTION).minusSeconds(1), "stop");
        later.record(recent);
        AuditTrail before = trail(Clock.fixed(now, ZoneOffset.UTC));
        assertThat(before.list("e2", null, 10, a -> true)).as("gone from the file, not only hidden").containsExactly(recent);
    }
}
