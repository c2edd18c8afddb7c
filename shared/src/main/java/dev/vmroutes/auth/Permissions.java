package dev.vmroutes.auth;

import dev.vmroutes.api.BatchRequests;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.api.VmException;

import java.util.List;

/**
 * What each change asks of its caller, checked before anything is done: the route's scope,
 * {@code vm:admin} for what can hurt the host, and the agent namespace. Names of networks follow
 * their agents': a limited caller may only name networks inside its namespace.
 */
public final class Permissions {

    private Permissions() {
    }

    public static void deploy(Caller caller, DeployRequest request) {
        caller.require(Scope.DEPLOY);
        caller.requireOwnName("agent_name", request.agentName());
        if (request.network() != null) caller.requireOwnName("network", request.network());
        if (request.runAsRoot()) caller.require(Scope.ADMIN, "run_as_root");
        if (request.replicas() > 1) caller.require(Scope.ADMIN, "replicas");
    }

    /** Each item as a deploy, named by its place: one outside the namespace makes the whole batch a 400, before any is queued. */
    public static void batchDeploy(Caller caller, List<BatchRequests.Deploy> items) {
        caller.require(Scope.DEPLOY);
        for (int i = 0; i < items.size(); i++) {
            DeployRequest request = items.get(i).request();
            String at = "deployments[" + i + "].";
            if (!caller.mayAccess(request.agentName())) {
                throw VmException.invalid(at + "agent_name", "is outside the agents this caller may deploy");
            }
            if (request.network() != null && !caller.mayAccess(request.network())) {
                throw VmException.invalid(at + "network", "is outside the names this caller may use");
            }
            if (request.runAsRoot()) caller.require(Scope.ADMIN, at + "run_as_root");
            if (request.replicas() > 1) caller.require(Scope.ADMIN, at + "replicas");
        }
    }

    public static void stop(Caller caller, StopRequest request) {
        caller.require(Scope.STOP);
        caller.requireContainer(request.containerName());
        if (request.removeVolumes()) caller.require(Scope.ADMIN, "remove_volumes");
    }

    public static void batchStop(Caller caller, List<StopRequest> items) {
        caller.require(Scope.STOP);
        for (int i = 0; i < items.size(); i++) {
            StopRequest request = items.get(i);
            if (!caller.mayAccessContainer(request.containerName())) {
                throw VmException.invalid("containers[" + i + "].container_name", "no such container");
            }
            if (request.removeVolumes()) caller.require(Scope.ADMIN, "containers[" + i + "].remove_volumes");
        }
    }
}
