package dev.vmroutes.functions;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The dashboard's static files (under {@code static/}) and its sign-in settings
 * ({@value #CONFIG}): served without a credential, since they hold nothing secret and the page
 * asks for the token itself, and with a Content-Security-Policy that allows no inline script, no
 * {@code eval} and no framing. Only these exact paths: anything else, the API included, still
 * goes through {@link CallerFilter}.
 */
@Component
public class DashboardFiles extends OncePerRequestFilter {

    public static final Set<String> PATHS = Set.of("/", "/index.html",
            "/dashboard/app.css", "/dashboard/main.js", "/dashboard/api.js", "/dashboard/dom.js", "/dashboard/poll.js",
            "/dashboard/agents.js", "/dashboard/agent.js", "/dashboard/health.js", "/dashboard/logs.js", "/dashboard/chart.js",
            "/dashboard/deploy.js", "/dashboard/deployment.js", "/dashboard/audit.js", "/dashboard/oidc.js");

    /** The issuer and public client the page signs in with, answered by {@link DashboardConfig}. */
    public static final String CONFIG = "/dashboard-config.json";

    private final String contentSecurityPolicy;

    public DashboardFiles(Environment environment) {
        this.contentSecurityPolicy = contentSecurityPolicy(DashboardConfig.of(environment).issuer());
    }

    /**
     * The page may also call the issuer (its discovery document) and where its tokens are made (on
     * Cognito, the hosted sign-in domain) when it signs in through one; blank or null ones are left out.
     */
    public static String contentSecurityPolicy(String... signIn) {
        StringBuilder connect = new StringBuilder("'self'");
        if (signIn != null) {
            for (String url : signIn) if (url != null && !url.isBlank()) connect.append(' ').append(origin(url));
        }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    public static boolean isDashboardFile(HttpServletRequest request) {
        String method = request.getMethod();
        String path = request.getRequestURI();
        return ("GET".equals(method) || "HEAD".equals(method)) && (PATHS.contains(path) || CONFIG.equals(path));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isDashboardFile(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", contentSecurityPolicy);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        chain.doFilter(request, response);
    }
}
