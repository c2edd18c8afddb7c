package dev.vmroutes.functions.handler;

/** The function behind {@code POST /api/v1/vm/stop}. */
public final class StopFunction extends ApiFunction {
}
