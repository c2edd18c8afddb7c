package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/stats/{container_name}}. */
public final class StatsFunction extends ApiFunction {
}
