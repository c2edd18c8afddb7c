package dev.vmroutes.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the dashboard signs in with, nothing secret: the JWT issuer ({@code VM_JWT_ISSUER}) and the
 * public client registered there for the page ({@code VM_DASHBOARD_CLIENT_ID}), with the scopes it
 * asks for ({@code VM_DASHBOARD_SCOPES}). Empty unless both are set: the page then asks for a token.
 */
@RestController
public class DashboardConfig {

    static final String DEFAULT_SCOPES = "openid vm:read vm:deploy vm:stop";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SignIn(String issuer, @JsonProperty("client_id") String clientId, String scope) {
    }

    private final SignIn signIn;

    public DashboardConfig(Environment environment) {
        this.signIn = of(environment);
    }

    static SignIn of(Environment environment) {
        String issuer = blankToNull(environment.getProperty("VM_JWT_ISSUER"));
        String client = blankToNull(environment.getProperty("VM_DASHBOARD_CLIENT_ID"));
        if (issuer == null || client == null) return new SignIn(null, null, null);
        return new SignIn(issuer, client, environment.getProperty("VM_DASHBOARD_SCOPES", DEFAULT_SCOPES));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @GetMapping(DashboardFiles.CONFIG)
    public SignIn config() {
        return signIn;
    }
}
