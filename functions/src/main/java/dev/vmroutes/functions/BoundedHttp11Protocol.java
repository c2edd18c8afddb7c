package dev.vmroutes.functions;

import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Constants;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tomcat's HTTP/1.1 connector with a bound on the time to read a request's line and headers.
 * Tomcat's own timeouts bound each read, so a client that sends a header line every few seconds
 * would hold its connection for ever; here a connection still reading its request's head once
 * {@code headerReadTimeout} has passed since its first byte is closed.
 */
public class BoundedHttp11Protocol extends Http11NioProtocol {

    private volatile long headerReadTimeoutMs = 10_000;
    private ScheduledExecutorService reaper;

    public void setHeaderReadTimeout(long millis) {
        this.headerReadTimeoutMs = millis;
    }

    public long getHeaderReadTimeout() {
        return headerReadTimeoutMs;
    }

    @Override
    public void start() throws Exception {
        super.start();
        reaper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("http-head-reaper").unstarted(r));
        long every = Math.max(100, Math.min(1000, headerReadTimeoutMs / 4));
        reaper.scheduleWithFixedDelay(this::closeSlowHeads, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws Exception {
        if (reaper != null) reaper.shutdownNow();
        super.stop();
    }

    /** Closes every connection whose request's head has been arriving for longer than allowed. */
    private void closeSlowHeads() {
        long now = System.nanoTime();
        try {
            for (SocketWrapperBase<org.apache.tomcat.util.net.NioChannel> socket : getEndpoint().getConnections()) {
                // A processor sits on a connection between reads only while a request's head is arriving in
                // parts (or an asynchronous request waits): during the servlet's work it is taken off, and
                // between requests there is none. Its request's start is the head's first byte.
                if (!(socket.getCurrentProcessor() instanceof AbstractProcessor processor) || processor.isAsync()) continue;
                var request = processor.getRequest();
                long started = request.getStartTimeNanos();
                if (request.getRequestProcessor().getStage() != Constants.STAGE_SERVICE && started > 0
                        && now - started > TimeUnit.MILLISECONDS.toNanos(headerReadTimeoutMs)) {
                    getEndpoint().processSocket(socket, SocketEvent.ERROR, true);
                }
            }
        } catch (RuntimeException e) {
            getLog().debug("closing slow request heads: " + e.getMessage());
        }
    }
}
