package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/deployments?agent_name=}. */
public final class DeploymentsFunction extends ApiFunction {
}
