package dev.vmroutes.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vmroutes.api.VmException;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The local run's audit trail: a file of its own beside the records, each entry as JSON under
 * {@code <instant>#<id>}, so the map reads newest first from its last key. Entries past the
 * records' retention are never answered, and are removed as new ones are recorded.
 */
public final class EmbeddedAuditTrail implements AuditTrail, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final MVStore store;
    private final MVMap<String, String> entries;
    private final Duration retention;
    private final Clock clock;

    public EmbeddedAuditTrail(Path file, Duration retention) {
        this(file, retention, Clock.systemUTC());
    }

    public EmbeddedAuditTrail(Path file, Duration retention, Clock clock) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw VmException.unavailable("audit trail", "cannot create " + file.getParent(), e);
        }
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        this.entries = store.openMap("audit");
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public synchronized void record(AuditEntry entry) {
        AuditKeys.check(entry);
        entries.put(AuditKeys.entry(entry), write(entry));
        String expired = AuditKeys.time(oldest());
        for (String first = entries.firstKey(); first != null && first.compareTo(expired) < 0; first = entries.firstKey()) {
            entries.remove(first);
        }
        store.commit();
    }

    @Override
    public synchronized List<AuditEntry> list(String agentName, Instant since, int limit, Predicate<String> visible) {
        if (agentName != null && !visible.test(agentName)) return List.of();
        Instant oldest = oldest();
        String from = AuditKeys.time(since == null || since.isBefore(oldest) ? oldest : since);
        List<AuditEntry> found = new ArrayList<>();
        for (String key = entries.lastKey(); key != null && key.compareTo(from) >= 0 && found.size() < limit; key = entries.lowerKey(key)) {
            AuditEntry entry = read(entries.get(key));
            if ((agentName == null || agentName.equals(entry.agentName())) && visible.test(entry.agentName())) found.add(entry);
        }
        return found;
    }

    private Instant oldest() {
        return clock.instant().minus(retention);
    }

    private static String write(AuditEntry entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AuditEntry read(String json) {
        try {
            return JSON.readValue(json, AuditEntry.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
