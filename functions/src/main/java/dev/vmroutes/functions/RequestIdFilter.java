package dev.vmroutes.functions;

import dev.vmroutes.api.LogContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;

/**
 * Every log line of a request carries its id: on Lambda the invocation's (set by the handler), on
 * the local server one made here, also answered as {@code X-Request-Id}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = MDC.get(LogContext.REQUEST_ID);
        if (given != null) {
            response.setHeader(HEADER, given);
            chain.doFilter(request, response);
            return;
        }
        String id = UUID.randomUUID().toString();
        LogContext.begin(id);
        response.setHeader(HEADER, id);
        try {
            chain.doFilter(request, response);
        } finally {
            LogContext.end();
        }
    }
}
