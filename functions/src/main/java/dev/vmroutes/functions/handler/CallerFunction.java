package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/caller}: who the caller is, its scopes and agents. */
public final class CallerFunction extends ApiFunction {
}
