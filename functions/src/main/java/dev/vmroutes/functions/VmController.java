package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.AuditRequest;
import dev.vmroutes.api.BatchRequests;
import dev.vmroutes.api.DeploymentsRequest;
import dev.vmroutes.api.HealthHistoryRequest;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.LogsRequest;
import dev.vmroutes.api.RollbackRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.audit.Audit;
import dev.vmroutes.audit.AuditResults;
import dev.vmroutes.auth.Caller;
import dev.vmroutes.api.ContainerNames;
import dev.vmroutes.auth.Permissions;
import dev.vmroutes.auth.Scope;
import jakarta.servlet.http.HttpServletRequest;
import dev.vmroutes.deploy.DeployJobs;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import dev.vmroutes.agents.ReadDeployments;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The spec's routes and the lifecycle's: each parses its request and hands it to one operation of the library. */
@RestController
@RequestMapping("/api/v1/vm")
public class VmController {

    private final Supplier<VmRoutes> routes;

    public VmController(Supplier<VmRoutes> routes) {
        this.routes = routes;
    }

    /**
     * Records the deploy and hands it to a worker, then waits on its record for the sync budget:
     * 200 with the result when it finishes in time (or the failure it answered), otherwise, or at
     * once with {@code Prefer: respond-async} (RFC 7240), 202 with where to watch it.
     */
    @PostMapping("/deploy")
    public ResponseEntity<?> deploy(@RequestBody(required = false) JsonNode body,
                                    @RequestHeader(name = "Prefer", required = false) String prefer, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.DEPLOY);
        VmRoutes vm = routes.get();
        var request = vm.parser().parse(body);
        Permissions.deploy(caller, request);
        boolean respondAsync = prefer != null && prefer.toLowerCase(java.util.Locale.ROOT).contains("respond-async");
        return vm.withinDeadline(() -> {
            // A deploy that would change nothing is answered at once, before anything is queued or recorded.
            Optional<String> unchanged = vm.jobs().answerIfUnchanged(request);
            if (unchanged.isPresent()) {
                audit(vm).record(caller, "deploy", request.agentName(), Audit.outcomeOf(unchanged.get()));
                return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(unchanged.get());
            }
            DeployJobs.Accepted accepted = audit(vm).change(caller, "deploy", request.agentName(),
                    () -> vm.jobs().submit(request, body, caller.requestedBy()));
            if (!respondAsync) {
                Optional<String> result = vm.jobs().await(accepted.deploymentId(), vm.syncBudget());
                if (result.isPresent()) return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(result.get());
            }
            var answer = ResponseEntity.accepted().location(URI.create(accepted.statusUrl()));
            if (respondAsync) answer.header("Preference-Applied", "respond-async");
            String status = respondAsync ? accepted.status() : vm.agents().deployments().get(accepted.deploymentId()).status();
            return answer.body(accepted.body(status));
        });
    }

    @GetMapping("/list")
    public List<Results.Listed> list(@RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> vm.agents().list().list().stream().filter(a -> caller.mayAccessContainer(a.containerName())).toList());
    }

    /**
     * The engine's nodes (a single engine is its one node) with the agents' tasks on each: every
     * node, but only the tasks of the caller's agents.
     */
    @GetMapping("/nodes")
    public Map<String, List<Results.Node>> nodes(@RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> Map.of("nodes", vm.agents().nodes().nodes().stream().map(n -> visibleTasks(caller, n)).toList()));
    }

    @PostMapping("/stop")
    public Results.Stopped stop(@RequestBody(required = false) JsonNode body, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.STOP);
        StopRequest request = StopRequest.parse(body);
        Permissions.stop(caller, request);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> audit(vm).change(caller, "stop", ContainerNames.agentOf(request.containerName()),
                () -> vm.agents().stop().stop(request)));
    }

    @PostMapping("/rollback")
    public Results.Deployed rollback(@RequestBody(required = false) JsonNode body, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.DEPLOY);
        RollbackRequest request = RollbackRequest.parse(body);
        caller.requireAgent(request.agentName());
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> audit(vm).change(caller, "rollback", request.agentName(),
                () -> vm.rollback().rollback(request, caller.requestedBy())));
    }

    /** Queues every item as the deploy route does: 200 when all answered within the sync budget, else 202 with where to watch those under way. */
    @PostMapping("/batch/deploy")
    public ResponseEntity<BatchResults> batchDeploy(@RequestBody(required = false) JsonNode body, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.DEPLOY);
        VmRoutes vm = routes.get();
        var requests = BatchRequests.deploys(body, vm.parser());
        Permissions.batchDeploy(caller, requests);
        BatchResults results = BatchResults.of(vm.withinDeadline(() -> {
            var outcomes = vm.batches().deploy(requests, vm.syncBudget(), caller.requestedBy());
            audit(vm).batch(caller, "batch_deploy", requests.stream().map(r -> r.request().agentName()).toList(), outcomes);
            return outcomes;
        }));
        return results.anyUnderWay() ? ResponseEntity.accepted().body(results) : ResponseEntity.ok(results);
    }

    @PostMapping("/batch/stop")
    public BatchResults batchStop(@RequestBody(required = false) JsonNode body, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.STOP);
        List<StopRequest> requests = BatchRequests.stops(body);
        Permissions.batchStop(caller, requests);
        VmRoutes vm = routes.get();
        return BatchResults.of(vm.withinDeadline(() -> {
            var outcomes = vm.batches().stop(requests);
            audit(vm).batch(caller, "batch_stop", requests.stream().map(r -> ContainerNames.agentOf(r.containerName())).toList(), outcomes);
            return outcomes;
        }));
    }

    @GetMapping("/logs/{container_name}")
    public Results.Logs logs(@PathVariable("container_name") String containerName,
                             @RequestParam(name = "tail", required = false) String tail,
                             @RequestParam(name = "since", required = false) String since, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        LogsRequest request = LogsRequest.parse(containerName, tail, since);
        caller.requireContainer(containerName);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> vm.agents().logs().read(request));
    }

    @GetMapping("/health/{container_name}")
    public Results.Health health(@PathVariable("container_name") String containerName, HttpServletRequest http, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        HealthRequest request = HealthRequest.fromQuery(containerName, http.getQueryString());
        caller.requireContainer(containerName);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> vm.agents().health().check(request));
    }

    /** One sample of the engine's stats for the container: CPU, memory and processes. */
    @GetMapping("/stats/{container_name}")
    public Results.Stats stats(@PathVariable("container_name") String containerName, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        ContainerNames.check(containerName);
        caller.requireContainer(containerName);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> vm.agents().stats().read(containerName));
    }

    /** The agent's health over the last days as up and down bands, oldest first. */
    @GetMapping("/health-history/{agent_name}")
    public Results.HealthHistory healthHistory(@PathVariable("agent_name") String agentName,
                                               @RequestParam(name = "days", required = false) String days,
                                               @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        String agent = DeploymentsRequest.agentName(agentName);
        int span = HealthHistoryRequest.days(days);
        caller.requireAgent(agent);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> vm.agents().healthHistory().history(agent, span));
    }

    @GetMapping("/deployments/{deployment_id}")
    public Results.Deployment deployment(@PathVariable("deployment_id") String deploymentId, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        String id = DeploymentsRequest.deploymentId(deploymentId);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> visible(caller, vm.agents().deployments().get(id)));
    }

    @DeleteMapping("/deployments/{deployment_id}")
    public Results.Deployment cancelDeployment(@PathVariable("deployment_id") String deploymentId, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.DEPLOY);
        String id = DeploymentsRequest.deploymentId(deploymentId);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> {
            String agent = visible(caller, vm.agents().deployments().get(id)).agentName();
            return audit(vm).change(caller, "cancel", agent, () -> ReadDeployments.view(vm.jobs().cancel(id)));
        });
    }

    @GetMapping("/deployments/{deployment_id}/log")
    public Results.BuildOutput deploymentLog(@PathVariable("deployment_id") String deploymentId,
                                             @RequestParam(name = "offset", required = false) String offset, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        String id = DeploymentsRequest.deploymentId(deploymentId);
        long from = DeploymentsRequest.offset(offset);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> {
            visible(caller, vm.agents().deployments().get(id));
            return vm.agents().deployments().log(id, from);
        });
    }

    @GetMapping("/deployments")
    public Results.Deployments deployments(@RequestParam(name = "agent_name", required = false) String agentName,
                                           @RequestParam(name = "limit", required = false) String limit, @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        String agent = DeploymentsRequest.agentName(agentName);
        int most = DeploymentsRequest.limit(limit);
        caller.requireAgent(agent);
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> vm.agents().deployments().history(agent, most));
    }

    @GetMapping("/openapi.json")
    public JsonNode openApi(@RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        return OpenApiDocument.get();
    }

    /** Who changed what, newest first: only the caller's agents' entries. */
    @GetMapping("/audit")
    public Results.AuditEntries auditTrail(@RequestParam(name = "agent_name", required = false) String agentName,
                                           @RequestParam(name = "since", required = false) String since,
                                           @RequestParam(name = "limit", required = false) String limit,
                                           @RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        AuditRequest request = AuditRequest.parse(agentName, since, limit);
        if (request.agentName() != null) caller.requireAgent(request.agentName());
        VmRoutes vm = routes.get();
        return vm.withinDeadline(() -> AuditResults.of(vm.audit().list(request.agentName(), request.since(), request.limit(),
                caller::mayAccess)));
    }

    /** Who the caller is as this server sees it: what the dashboard enables and disables by. */
    @GetMapping("/caller")
    public Results.Identity callerInfo(@RequestAttribute(CallerFilter.ATTRIBUTE) Caller caller) {
        caller.require(Scope.READ);
        return caller.identity();
    }

    private static Audit audit(VmRoutes vm) {
        return new Audit(vm.audit(), Clock.systemUTC());
    }

    /** The node with only the tasks of agents the caller may see. */
    private static Results.Node visibleTasks(Caller caller, Results.Node node) {
        if (!caller.limited()) return node;
        return new Results.Node(node.nodeId(), node.hostname(), node.address(), node.role(), node.state(), node.availability(),
                node.leader(), node.tasks().stream().filter(t -> caller.mayAccess(t.agentName())).toList());
    }

    /** The deployment, unless its agent is outside the caller's namespace: then it is not found. */
    private static Results.Deployment visible(Caller caller, Results.Deployment deployment) {
        caller.requireDeployment(deployment.deploymentId(), deployment.agentName());
        return deployment;
    }
}
