package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/openapi.json}. */
public final class OpenApiFunction extends ApiFunction {
}
