package dev.vmroutes.functions;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.config.ConfigException;
import dev.vmroutes.config.VmConfig;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

/**
 * The HTTP API: on Lambda behind the container handler, locally as an ordinary server. It names
 * the few auto-configurations it uses instead of evaluating all of them: a cold start pays for
 * every configuration class Spring looks at.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ComponentScan
@ImportAutoConfiguration({
        PropertyPlaceholderAutoConfiguration.class,
        JacksonAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class,
        ServletWebServerFactoryAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class,
        ErrorMvcAutoConfiguration.class})
public class VmRoutesApplication {

    public static void main(String[] args) {
        try {
            checkEngineMode(checkConfiguration(args));
        } catch (ConfigException | IllegalStateException e) {
            System.err.println("vm-routes: cannot start: " + e.getMessage());
            System.exit(2);
        }
        SpringApplication.run(VmRoutesApplication.class, args);
    }

    /**
     * With {@code VM_ENGINE_MODE=swarm}, the engine must be a Swarm manager: asked once before the
     * server listens, and it stops with one line if not. An engine out of reach is left to the first
     * request, as in single mode.
     */
    static void checkEngineMode(VmConfig config) {
        if (config.swarm() == null || !config.engine().reachable()) return;
        try {
            Routes.get().checkEngineMode();
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(VmRoutesApplication.class).warn("could not ask the engine whether it is a Swarm manager: {}",
                    Redactor.describe(e));
        }
    }

    /** The whole configuration, with the address the command line may name ({@code --server.address=}), checked before anything starts. */
    static VmConfig checkConfiguration(String[] args) {
        VmConfig config = Routes.config();
        for (String arg : args) {
            if (arg.startsWith("--server.address=")) config = config.withBindAddress(arg.substring("--server.address=".length()));
        }
        return config;
    }
}
