package dev.vmroutes.functions;

import dev.vmroutes.config.ConfigException;
import dev.vmroutes.config.VmConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Bearer-token authentication for the server: with {@code VM_API_TOKEN} set, every route needs
 * {@code Authorization: Bearer <token>}. Without it the local server listens only on loopback
 * and refuses to start on any other address. (On AWS the HTTP API's IAM or JWT authorizer
 * authenticates callers.)
 */
@Component
public class ApiTokenFilter extends OncePerRequestFilter {

    private final byte[] expected;

    public ApiTokenFilter(Environment environment) {
        String token = environment.getProperty("VM_API_TOKEN");
        this.expected = token == null || token.isBlank() ? null : ("Bearer " + token.strip()).getBytes(StandardCharsets.UTF_8);
        boolean onLambda = environment.getProperty("AWS_LAMBDA_FUNCTION_NAME") != null;
        String problem = VmConfig.listenProblem(environment.getProperty("server.address", "127.0.0.1"), token, onLambda);
        if (problem != null) throw new ConfigException("VM_API_TOKEN: " + problem);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (expected != null) {
            String header = request.getHeader("Authorization");
            byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, given)) {
                response.setStatus(401);
                response.setHeader("WWW-Authenticate", "Bearer");
                response.setContentType("application/json");
                response.getWriter().write("{\"detail\":\"authorization: a valid bearer token is required\"}");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
