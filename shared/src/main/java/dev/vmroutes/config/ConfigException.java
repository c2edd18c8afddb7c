package dev.vmroutes.config;

/** A setting that is missing or wrong; the message names each variable and what it must be, on one line. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
