package dev.vmroutes.api;

/** How far back an agent's health history reaches: whole days, 7 unless asked, at most 7 (the samples are kept 8). */
public final class HealthHistoryRequest {

    public static final int DEFAULT_DAYS = 7;
    public static final int MAX_DAYS = 7;

    private HealthHistoryRequest() {
    }

    public static int days(String days) {
        if (days == null) return DEFAULT_DAYS;
        try {
            int value = Integer.parseInt(days);
            if (value >= 1 && value <= MAX_DAYS) return value;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw VmException.invalid("days", "must be a whole number from 1 to " + MAX_DAYS);
    }
}
