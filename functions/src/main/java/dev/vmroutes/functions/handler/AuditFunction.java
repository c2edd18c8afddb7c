package dev.vmroutes.functions.handler;

/** The function behind {@code GET /api/v1/vm/audit?agent_name=&since=&limit=}. */
public final class AuditFunction extends ApiFunction {
}
