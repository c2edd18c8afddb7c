package dev.vmroutes.functions.handler;

/** The function behind {@code POST /api/v1/vm/deploy}. */
public final class DeployFunction extends ApiFunction {
}
