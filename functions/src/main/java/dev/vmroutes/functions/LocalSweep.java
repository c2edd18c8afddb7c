package dev.vmroutes.functions;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.config.VmConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** On the local server, runs the health sweep every {@code VM_SWEEP_INTERVAL_SECONDS} (unset: never). */
@Component
public class LocalSweep {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSweep.class);

    private final Supplier<VmRoutes> routes;

    public LocalSweep(Supplier<VmRoutes> routes) {
        this.routes = routes;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        VmConfig config = Routes.config();
        if (config.sweepInterval() == null || config.onLambda()) return;
        long seconds = config.sweepInterval().toSeconds();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                LOG.info("health sweep: {}", routes.get().sweep());
            } catch (RuntimeException e) {
                LOG.warn("health sweep failed: {}", Redactor.describe(e));
            }
        }, seconds, seconds, TimeUnit.SECONDS);
        LOG.info("health sweep every {} s", seconds);
    }
}
