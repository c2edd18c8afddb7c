package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/deployments/{deployment_id}}. */
public final class DeploymentFunction extends ApiFunction {
}
