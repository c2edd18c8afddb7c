package dev.vmroutes.functions;

import com.amazonaws.serverless.proxy.RequestReader;
import com.amazonaws.serverless.proxy.model.HttpApiV2AuthorizerMap;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequestContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.VmException;
import dev.vmroutes.app.AwsClients;
import dev.vmroutes.auth.Authenticator;
import dev.vmroutes.auth.Caller;
import dev.vmroutes.config.ConfigException;
import dev.vmroutes.config.VmConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import dev.vmroutes.api.LogContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Finds who each request comes from and keeps it as the request's {@link Caller}: on Lambda from
 * API Gateway's authorizer, on the local server from the bearer token. A request without a valid
 * credential ends here with 401, logged with its route, never with the token.
 */
@Component
public class CallerFilter extends OncePerRequestFilter {

    public static final String ATTRIBUTE = "dev.vmroutes.caller";
    private static final Logger LOG = LoggerFactory.getLogger(CallerFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SETTINGS = List.of("AWS_LAMBDA_FUNCTION_NAME", "VM_API_TOKEN", "VM_API_TOKENS_FILE",
            "VM_JWT_ISSUER", "VM_JWT_AUDIENCE", "VM_JWT_AGENTS_CLAIM", "VM_IAM_PRINCIPALS_SECRET");

    private final Authenticator authenticator;
    private final boolean onLambda;

    public CallerFilter(Environment environment) {
        Map<String, String> settings = new HashMap<>();
        for (String name : SETTINGS) {
            String value = environment.getProperty(name);
            if (value != null) settings.put(name, value);
        }
        this.onLambda = settings.containsKey("AWS_LAMBDA_FUNCTION_NAME");
        boolean authenticated = settings.containsKey("VM_API_TOKEN") || settings.containsKey("VM_API_TOKENS_FILE")
                || settings.containsKey("VM_JWT_ISSUER");
        String problem = VmConfig.listenProblem(environment.getProperty("server.address", "127.0.0.1"), authenticated, onLambda);
        if (problem != null) throw new ConfigException("VM_API_TOKEN: " + problem);
        this.authenticator = Authenticator.fromEnvironment(settings, secret -> AwsClients.secretReader(Routes.config()).apply(secret));
    }

    /** The dashboard's own files need no credential: the page asks for one before it calls the API. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return DashboardFiles.isDashboardFile(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller;
        try {
            // An event from API Gateway carries its authorizer's identity (on Lambda, and under sam local invoke);
            // a client of the local server cannot set a request attribute.
            boolean fromGateway = onLambda || request.getAttribute(RequestReader.HTTP_API_CONTEXT_PROPERTY) != null;
            caller = fromGateway ? fromGateway(request) : authenticator.local(request.getHeader("Authorization"),
                    request.getRemoteAddr(), localRequestId());
        } catch (VmException e) {
            refuse(request, response, e);
            return;
        }
        request.setAttribute(ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** The id the local server answers as {@code X-Request-Id} (see {@link RequestIdFilter}), so the audit trail names the same. */
    private static String localRequestId() {
        String id = MDC.get(LogContext.REQUEST_ID);
        return id != null ? id : UUID.randomUUID().toString();
    }

    private Caller fromGateway(HttpServletRequest request) {
        Object attribute = request.getAttribute(RequestReader.HTTP_API_CONTEXT_PROPERTY);
        if (!(attribute instanceof HttpApiV2ProxyRequestContext context)) {
            throw VmException.unauthorized("authorization: the request carries no authorizer's identity");
        }
        String sourceIp = context.getHttp() == null ? null : context.getHttp().getSourceIp();
        HttpApiV2AuthorizerMap authorizer = context.getAuthorizer();
        Authenticator.GatewayIdentity identity = null;
        if (authorizer != null && authorizer.isJwt() && authorizer.getJwtAuthorizer() != null) {
            identity = new Authenticator.GatewayIdentity(authorizer.getJwtAuthorizer().getClaims() == null ? Map.of()
                    : authorizer.getJwtAuthorizer().getClaims(), authorizer.getJwtAuthorizer().getScopes(), null);
        } else if (authorizer != null && authorizer.isIam() && authorizer.getIamAuthorizer() != null) {
            identity = new Authenticator.GatewayIdentity(null, null, authorizer.getIamAuthorizer().getUserArn());
        }
        return authenticator.gateway(identity, sourceIp, context.getRequestId());
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, VmException e) throws IOException {
        int status = e.kind() == VmException.Kind.UNAVAILABLE ? 503 : 401;
        LOG.warn("refused {} {} {}: {}", status, request.getMethod(), request.getRequestURI(), e.detail());
        response.setStatus(status);
        if (status == 401) response.setHeader("WWW-Authenticate", "Bearer");
        if (status == 503) response.setHeader("Retry-After", "5");
        response.setContentType("application/json");
        response.getWriter().write(JSON.writeValueAsString(Map.of("detail", e.detail())));
    }
}
