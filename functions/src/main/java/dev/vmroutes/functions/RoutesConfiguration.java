package dev.vmroutes.functions;

import dev.vmroutes.app.VmRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Supplier;

/** The routes of this execution environment, looked up per request so that a SnapStart restore is followed by fresh clients. */
@Configuration(proxyBeanMethods = false)
public class RoutesConfiguration {

    @Bean
    Supplier<VmRoutes> vmRoutes() {
        Routes.prepareInBackground(); // so the first request does not pay for it
        return Routes::get;
    }
}
