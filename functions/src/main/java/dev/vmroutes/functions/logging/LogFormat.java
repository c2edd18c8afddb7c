package dev.vmroutes.functions.logging;

import ch.qos.logback.core.PropertyDefinerBase;

import java.util.Locale;

/**
 * The appender logback.xml writes with: {@code json} when {@code VM_LOG_FORMAT} says so, or on
 * Lambda when the function's log format is JSON ({@code AWS_LAMBDA_LOG_FORMAT}); {@code text} otherwise.
 */
public class LogFormat extends PropertyDefinerBase {

    @Override
    public String getPropertyValue() {
        return of(System.getenv("VM_LOG_FORMAT"), System.getenv("AWS_LAMBDA_LOG_FORMAT"));
    }

    static String of(String chosen, String lambdas) {
        String format = chosen != null && !chosen.isBlank() ? chosen : lambdas;
        return format != null && format.strip().toLowerCase(Locale.ROOT).equals("json") ? "json" : "text";
    }
}
