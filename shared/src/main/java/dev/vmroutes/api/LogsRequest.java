package dev.vmroutes.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A validated logs request, from the route's path and query.
 *
 * @param tail  how many of the newest lines (default {@value #DEFAULT_TAIL}, at most {@value #MAX_TAIL})
 * @param since only lines written at or after this time; null for all
 */
public record LogsRequest(String containerName, int tail, Instant since) {

    public static final int DEFAULT_TAIL = 200;
    public static final int MAX_TAIL = 5000;
    /** At most this much text is answered; older lines are dropped first. */
    public static final int MAX_BYTES = 1024 * 1024;

    public static LogsRequest parse(String containerName, String tail, String since) {
        ContainerNames.check(containerName);
        int lines = DEFAULT_TAIL;
        if (tail != null) {
            try {
                lines = Integer.parseInt(tail);
            } catch (NumberFormatException e) {
                lines = -1;
            }
            if (lines < 1 || lines > MAX_TAIL) throw VmException.invalid("tail", "must be a whole number from 1 to " + MAX_TAIL);
        }
        Instant from = null;
        if (since != null) {
            try {
                from = OffsetDateTime.parse(since).toInstant();
            } catch (DateTimeParseException e) {
                throw VmException.invalid("since", "must be an ISO-8601 time such as 2025-10-01T10:30:00Z");
            }
        }
        return new LogsRequest(containerName, lines, from);
    }
}
