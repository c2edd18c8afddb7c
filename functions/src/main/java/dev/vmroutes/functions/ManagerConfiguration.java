package dev.vmroutes.functions;

import dev.vmroutes.manager.VmManager;
import dev.vmroutes.manager.VmManagerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Supplier;

/**
 * The {@link VmManager} of this execution environment, looked up per request so that a SnapStart
 * restore (which drops it) is followed by fresh clients.
 */
@Configuration(proxyBeanMethods = false)
public class ManagerConfiguration {

    @Bean
    Supplier<VmManager> vmManager() {
        VmManagerFactory.prepareInBackground(); // so the first request does not pay for it
        return VmManagerFactory::shared;
    }
}
