package dev.vmroutes.functions;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The HTTP API: on Lambda behind the container handler, locally as an ordinary server. */
@SpringBootApplication(proxyBeanMethods = false)
public class VmRoutesApplication {

    public static void main(String[] args) {
        SpringApplication.run(VmRoutesApplication.class, args);
    }
}
