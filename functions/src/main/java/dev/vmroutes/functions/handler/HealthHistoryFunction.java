package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/health-history/{agent_name}}. */
public final class HealthHistoryFunction extends ApiFunction {
}
