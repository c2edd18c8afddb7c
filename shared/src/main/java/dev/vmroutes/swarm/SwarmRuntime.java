package dev.vmroutes.swarm;

/**
 * What runs agents on a Swarm: the manager's services, how they are specified, and the
 * repository their images are pushed to.
 */
public record SwarmRuntime(AgentServices services, ServiceSpecs specs, String registry) {
}
