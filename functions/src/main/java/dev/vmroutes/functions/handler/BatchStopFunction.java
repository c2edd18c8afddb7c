package dev.vmroutes.functions.handler;

/** The function behind {@code POST /api/v1/vm/batch/stop}. */
public final class BatchStopFunction extends ApiFunction {
}
