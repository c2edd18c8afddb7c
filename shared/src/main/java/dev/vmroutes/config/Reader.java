package dev.vmroutes.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads variables, collecting every problem instead of stopping at the first. */
final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
        this.env = env;
    }

    void problem(String name, String what) {
        problems.add(name + ": " + what);
    }

    void throwIfAnyProblem() {
        if (!problems.isEmpty()) throw new ConfigException(String.join("; ", problems));
    }

    String text(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    boolean flag(String name) {
        String value = text(name, "");
        return value.equals("1") || value.equalsIgnoreCase("true");
    }

    Path path(String name) {
        String value = text(name, null);
        return value == null ? null : Path.of(value);
    }

    URI dockerHost() {
        String value = text("DOCKER_HOST", VmConfig.DEFAULT_DOCKER_HOST);
        try {
            URI host = URI.create(value);
            if ("unix".equals(host.getScheme()) || ("tcp".equals(host.getScheme()) && host.getHost() != null)) return host;
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem("DOCKER_HOST", "must be unix:///path/to/docker.sock or tcp://host:port, not " + value);
        return null;
    }

    Duration seconds(String name, long fallback) {
        long value = whole(name, fallback, 1);
        return Duration.ofSeconds(value);
    }

    long whole(String name, long fallback, long min) {
        String value = text(name, null);
        if (value == null) return fallback;
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min) return parsed;
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(name, "must be a whole number of at least " + min + ", not " + value);
        return fallback;
    }

    /** A size in bytes from a number with k, m or g (a plain number is megabytes); {@code min} in bytes. */
    long size(String name, long fallback, long min) {
        String value = text(name, null);
        if (value == null) return fallback;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(\\d{1,12})([kmg]?)b?").matcher(value);
        if (m.matches()) {
            long number = Long.parseLong(m.group(1));
            long bytes = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
                case "k" -> number << 10;
                case "g" -> number << 30;
                default -> number << 20;
            };
            if (bytes >= min) return bytes;
        }
        problem(name, "must be a size such as 512m or 2g of at least " + (min >> 20) + " MB, not " + value);
        return fallback;
    }

    /** A number of CPUs such as 0.5 or 2, in thousandths. */
    long cpus(String name, long fallbackMillis) {
        String value = text(name, null);
        if (value == null) return fallbackMillis;
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= 0.01 && parsed <= 1024) return Math.round(parsed * 1000);
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(name, "must be a number of CPUs from 0.01, not " + value);
        return fallbackMillis;
    }
}
