package dev.vmroutes.functions;

import dev.vmroutes.config.ConfigException;
import dev.vmroutes.config.VmConfig;
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
            checkConfiguration(args);
        } catch (ConfigException e) {
            System.err.println("vm-routes: cannot start: " + e.getMessage());
            System.exit(2);
        }
        SpringApplication.run(VmRoutesApplication.class, args);
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
