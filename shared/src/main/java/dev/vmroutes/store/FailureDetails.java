package dev.vmroutes.store;

/** A failure's detail as a record keeps it: each line and the whole cut to a cap, so a record always fits its item. */
public final class FailureDetails {

    public static final int LINE_CHARS = 1_000;
    public static final int CHARS = 8_000;

    private FailureDetails() {
    }

    /** {@code detail} (redacted already: redaction comes before any cut) with each line and the whole cut to their caps, the cuts marked. */
    public static String capped(String detail) {
        if (detail == null || detail.length() <= LINE_CHARS && detail.indexOf('\n') < 0) return detail;
        StringBuilder out = new StringBuilder();
        for (String line : detail.split("\n", -1)) {
            if (out.length() > 0) out.append('\n');
            out.append(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + " [" + (line.length() - LINE_CHARS)
                    + " more characters]" : line);
            if (out.length() > CHARS) {
                out.setLength(CHARS);
                return out.append(" [cut]").toString();
            }
        }
        return out.toString();
    }
}
