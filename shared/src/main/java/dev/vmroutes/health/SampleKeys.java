package dev.vmroutes.health;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as fixed-width UTC text with nanoseconds, so that keys compare as the times do. */
final class SampleKeys {

    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'")
            .withZone(ZoneOffset.UTC);

    private SampleKeys() {
    }

    static String time(Instant at) {
        return FIXED.format(at);
    }
}
