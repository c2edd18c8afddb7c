package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/health/{container_name}}. */
public final class HealthFunction extends ApiFunction {
}
