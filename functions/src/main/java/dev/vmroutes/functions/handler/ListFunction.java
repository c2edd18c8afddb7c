package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/list}. */
public final class ListFunction extends ApiFunction {
}
