package dev.vmroutes.functions;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * The local server's own refusals (an encoded slash or NUL in the path, a malformed URL, a query
 * or header too large) as {@code {"detail"}}, in place of Tomcat's HTML report. Only where Tomcat
 * is: the Lambda artifact leaves it out.
 */
@Component
@ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
public class TomcatJsonErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> ((org.apache.catalina.core.StandardHost) context.getParent())
                .setErrorReportValveClass(JsonReportValve.class.getName()));
    }

    /** Tomcat's error report, as JSON. */
    public static final class JsonReportValve extends ErrorReportValve {
        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
            try {
                response.setContentType("application/json");
                response.getOutputStream().write(JsonErrors.body(status));
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // the client went away
            }
        }
    }

}
