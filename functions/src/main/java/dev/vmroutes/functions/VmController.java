package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.manager.Results;
import dev.vmroutes.manager.VmManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.function.Supplier;

/** The four routes of the spec; all work happens in the shared {@link VmManager}. */
@RestController
@RequestMapping("/api/v1/vm")
public class VmController {

    private final Supplier<VmManager> manager;

    public VmController(Supplier<VmManager> manager) {
        this.manager = manager;
    }

    @PostMapping("/deploy")
    public Results.Deployed deploy(@RequestBody(required = false) JsonNode body) {
        return manager.get().deploy(body);
    }

    @GetMapping("/list")
    public List<Results.Listed> list() {
        return manager.get().list();
    }

    @PostMapping("/stop")
    public Results.Stopped stop(@RequestBody(required = false) JsonNode body) {
        return manager.get().stop(body);
    }

    @GetMapping("/health/{container_name}")
    public Results.Health health(@PathVariable("container_name") String containerName,
                                 @RequestParam(name = "path", required = false) String path) {
        return manager.get().health(containerName, path);
    }
}
