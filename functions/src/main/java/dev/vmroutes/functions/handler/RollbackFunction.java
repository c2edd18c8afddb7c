package dev.vmroutes.functions.handler;

/** The function behind {@code POST /api/v1/vm/rollback}. */
public final class RollbackFunction extends ApiFunction {
}
