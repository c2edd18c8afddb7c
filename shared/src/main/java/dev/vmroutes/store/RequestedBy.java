package dev.vmroutes.store;

/**
 * Who asked for a deployment: a JWT's subject and client, an IAM principal's ARN or a local
 * token's name, from which address, in which request.
 */
public record RequestedBy(String principal, String sourceIp, String requestId) {
}
