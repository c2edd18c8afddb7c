package dev.vmroutes.functions;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Every request on the local server is bounded from its first byte: the time to read its line and
 * headers ({@code VM_HTTP_HEADER_TIMEOUT_SECONDS}) here, each read and an idle connection by
 * Tomcat's own timeouts, the body's whole read by {@link BodyLimitFilter}; connections and
 * keep-alive are capped in {@code application.properties}.
 */
@Component
@ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
public class TomcatLimits implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private final Duration headerReadTimeout;

    public TomcatLimits(@Value("${vm.http.header-read-timeout:10s}") Duration headerReadTimeout) {
        this.headerReadTimeout = headerReadTimeout;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.setProtocol(BoundedHttp11Protocol.class.getName());
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof BoundedHttp11Protocol protocol) {
                protocol.setHeaderReadTimeout(headerReadTimeout.toMillis());
                // A body left unread (refused as too large or too slow) is not read to its end: the connection closes.
                protocol.setMaxSwallowSize(0);
            }
        });
    }

    @Override
    public int getOrder() {
        return 0;
    }
}
