package dev.vmroutes.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * How both stores key an entry: by its day ({@code yyyy-MM-dd}, UTC) and by {@code <instant>#<id>},
 * which sorts by time as text.
 */
final class AuditKeys {

    // Always nine fractional digits, so instants sort as text.
    private static final DateTimeFormatter SORTABLE = new DateTimeFormatterBuilder().appendInstant(9).toFormatter();

    private AuditKeys() {
    }

    static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    static String time(Instant at) {
        return SORTABLE.format(at);
    }

    static String entry(AuditEntry entry) {
        return time(entry.at()) + "#" + entry.id();
    }

    /** When the entry is gone: the records' retention after it was made. */
    static Instant expiresAt(AuditEntry entry, Duration retention) {
        return entry.at().plus(retention);
    }

    static void check(AuditEntry entry) {
        if (entry.id() == null || entry.id().isEmpty() || entry.at() == null) {
            throw new IllegalArgumentException("an audit entry needs its id and its time");
        }
    }
}
