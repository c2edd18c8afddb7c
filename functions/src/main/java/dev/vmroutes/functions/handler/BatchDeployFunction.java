package dev.vmroutes.functions.handler;

/** The function behind {@code POST /api/v1/vm/batch/deploy}. */
public final class BatchDeployFunction extends ApiFunction {
}
