package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/logs/{container_name}}. */
public final class LogsFunction extends ApiFunction {
}
