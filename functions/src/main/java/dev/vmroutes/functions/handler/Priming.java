package dev.vmroutes.functions.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.functions.Routes;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * SnapStart: before the snapshot, runs what every request runs (validation, JSON, the table
 * client) so it is loaded and warm in the snapshot; after a restore, drops the manager so its
 * connections and the TLS secret are opened anew.
 */
final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);
    private static final Priming INSTANCE = new Priming();

    static void register() {
        Core.getGlobalContext().register(INSTANCE);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            prime();
        } catch (RuntimeException e) {
            // A hook that throws fails the version's publication; priming is only an optimisation.
            LOG.warn("priming failed: {}", e.getMessage());
        }
    }

    private static void prime() {
        ObjectMapper json = new ObjectMapper();
        VmRoutes routes = Routes.get();
        try {
            // Refused at agent_name, before any lookup or side effect.
            routes.parser().parse(json.createObjectNode().put("repo_url", "https://example.invalid/x.git").put("agent_name", "-"));
        } catch (VmException expected) {
            // the validation path is what was wanted
        }
        try {
            routes.store().get("priming");
        } catch (RuntimeException e) {
            LOG.info("priming could not reach the table: {}", e.getMessage());
        }
        try {
            json.writeValueAsString(List.of(new Results.Listed("id", "name", "running", "2026-01-01T00:00:00Z",
                    Map.of("8080/tcp", 1), "agent", "d", "c", null, null, Map.of("data", "/data"), null)));
        } catch (Exception e) {
            LOG.info("priming serialization failed: {}", e.getMessage());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        try {
            Routes.reset();
            Routes.prepareInBackground(); // so the first request after the restore does not pay for new clients
        } catch (RuntimeException e) {
            LOG.warn("could not renew the clients after a restore: {}", e.getMessage());
        }
    }
}
