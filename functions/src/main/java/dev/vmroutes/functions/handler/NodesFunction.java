package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/nodes}. */
public final class NodesFunction extends ApiFunction {
}
