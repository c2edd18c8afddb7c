package dev.vmroutes.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vmroutes.api.VmException;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The local run's health samples: a file of its own beside the records, each sample as JSON under
 * {@code <agent> <time>#<container>}, so one agent's read in time order from a key on. Samples past
 * the retention are never answered, and are removed as new ones are recorded.
 */
public final class EmbeddedHealthSamples implements HealthSamples, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Sorts before every character an agent name may hold, so {@code a} and {@code a-b} keep apart. */
    private static final char SEPARATOR = ' ';

    private final MVStore store;
    private final MVMap<String, String> samples;
    /** When each sample expires, by its key: the sweep of old ones reads this in time order. */
    private final MVMap<String, String> expiry;
    private final Clock clock;

    public EmbeddedHealthSamples(Path file) {
        this(file, Clock.systemUTC());
    }

    public EmbeddedHealthSamples(Path file, Clock clock) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw VmException.unavailable("health samples", "cannot create " + file.getParent(), e);
        }
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        this.samples = store.openMap("samples");
        this.expiry = store.openMap("by-time");
        this.clock = clock;
    }

    @Override
    public synchronized void record(List<HealthSample> recorded) {
        for (HealthSample sample : recorded) {
            String key = sample.agentName() + SEPARATOR + sample.key();
            samples.put(key, write(sample));
            expiry.put(sample.key() + SEPARATOR + sample.agentName(), key);
        }
        String expired = SampleKeys.time(oldest());
        for (String first = expiry.firstKey(); first != null && first.compareTo(expired) < 0; first = expiry.firstKey()) {
            samples.remove(expiry.remove(first));
        }
        store.commit();
    }

    @Override
    public synchronized List<HealthSample> since(String agentName, Instant since) {
        Instant oldest = oldest();
        String prefix = agentName + SEPARATOR;
        String from = prefix + SampleKeys.time(since.isBefore(oldest) ? oldest : since);
        List<HealthSample> found = new ArrayList<>();
        for (Cursor<String, String> at = samples.cursor(from); at.hasNext(); ) {
            if (!at.next().startsWith(prefix)) break;
            found.add(read(at.getValue()));
        }
        return found;
    }

    private Instant oldest() {
        return clock.instant().minus(HealthSample.RETENTION);
    }

    private static String write(HealthSample sample) {
        try {
            return JSON.writeValueAsString(sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HealthSample read(String json) {
        try {
            return JSON.readValue(json, HealthSample.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
