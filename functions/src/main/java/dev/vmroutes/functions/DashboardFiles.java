package dev.vmroutes.functions;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Set;

/**
 * The dashboard's static files (under {@code static/}): served without a credential, since they
 * hold nothing secret and the page asks for the token itself, and with a Content-Security-Policy
 * that allows no inline script, no {@code eval} and no framing. Only these exact paths: anything
 * else, the API included, still goes through {@link CallerFilter}.
 */
@Component
public class DashboardFiles extends OncePerRequestFilter {

    public static final Set<String> PATHS = Set.of("/", "/index.html",
            "/dashboard/app.css", "/dashboard/main.js", "/dashboard/api.js", "/dashboard/dom.js", "/dashboard/poll.js",
            "/dashboard/agents.js", "/dashboard/agent.js", "/dashboard/health.js", "/dashboard/logs.js", "/dashboard/chart.js",
            "/dashboard/deploy.js", "/dashboard/deployment.js", "/dashboard/audit.js");

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static boolean isDashboardFile(HttpServletRequest request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && PATHS.contains(request.getRequestURI());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isDashboardFile(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        chain.doFilter(request, response);
    }
}
