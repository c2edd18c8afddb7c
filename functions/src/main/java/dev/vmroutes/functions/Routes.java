package dev.vmroutes.functions;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.config.VmConfig;
import org.slf4j.LoggerFactory;

/**
 * The {@link VmRoutes} of this execution environment (a Lambda sandbox or the local server):
 * built once, on first use or in the background while the rest starts, and dropped after a
 * SnapStart restore so connections and the TLS secret are opened anew.
 */
public final class Routes {

    private static volatile VmConfig config;
    private static volatile VmRoutes current;
    private static Thread preparing;

    private Routes() {
    }

    /** This process's configuration, read from the environment once. */
    public static VmConfig config() {
        VmConfig read = config;
        if (read == null) {
            read = VmConfig.fromEnvironment(System.getenv());
            config = read;
        }
        return read;
    }

    public static VmRoutes get() {
        VmRoutes routes = current;
        if (routes == null) {
            synchronized (Routes.class) {
                if (current == null) current = VmRoutes.create(config());
                routes = current;
            }
        }
        return routes;
    }

    /** Builds and warms the routes on a background thread, so this overlaps the rest of the start-up. */
    public static void prepareInBackground() {
        synchronized (Routes.class) {
            if (current != null || preparing != null) return;
            preparing = Thread.ofPlatform().daemon().name("vm-routes-init").start(() -> {
                try {
                    get().warmUp();
                } catch (RuntimeException e) {
                    // the first request builds it again and answers with the reason
                    LoggerFactory.getLogger(Routes.class).warn("could not prepare the routes: {}", Redactor.describe(e));
                } finally {
                    synchronized (Routes.class) {
                        preparing = null;
                    }
                }
            });
        }
    }

    /** Drops the routes; the next {@link #get()} builds new ones. */
    public static void reset() {
        VmRoutes old;
        synchronized (Routes.class) {
            old = current;
            current = null;
        }
        if (old != null) old.close();
    }
}
