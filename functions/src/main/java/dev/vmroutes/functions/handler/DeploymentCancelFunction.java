package dev.vmroutes.functions.handler;

/** The function behind {@code DELETE /api/v1/vm/deployments/{deployment_id}}. */
public final class DeploymentCancelFunction extends ApiFunction {
}
