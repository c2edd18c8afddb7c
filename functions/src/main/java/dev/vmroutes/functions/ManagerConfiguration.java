package dev.vmroutes.functions;

import dev.vmroutes.manager.VmManager;
import dev.vmroutes.manager.VmManagerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one {@link VmManager} of this execution environment. */
@Configuration(proxyBeanMethods = false)
public class ManagerConfiguration {

    @Bean
    VmManager vmManager() {
        return VmManagerFactory.shared();
    }
}
