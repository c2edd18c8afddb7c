package dev.vmroutes.functions;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Request bodies of at most {@value #MAX_BYTES} bytes: a larger declared length is answered 413
 * before a byte of it is read, and a body without a length stops being read at the limit. A body
 * that has not arrived whole within {@code VM_HTTP_BODY_TIMEOUT_SECONDS} of the first read stops
 * being read too (each read is bounded by the connection timeout): a client that trickles it is cut off.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter extends OncePerRequestFilter {

    public static final int MAX_BYTES = 1024 * 1024;

    private final java.time.Duration bodyReadTimeout;

    public BodyLimitFilter(@org.springframework.beans.factory.annotation.Value("${vm.http.body-read-timeout:20s}")
                           java.time.Duration bodyReadTimeout) {
        this.bodyReadTimeout = bodyReadTimeout;
    }

    /** A body that did not arrive whole in time. */
    public static final class BodyTooSlowException extends java.net.SocketTimeoutException {
        BodyTooSlowException(java.time.Duration limit) {
            super("the body did not arrive within " + limit.toSeconds() + " s");
        }
    }

    /** A body that went past the limit while it was read. */
    public static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("the body is larger than " + MAX_BYTES + " bytes", null);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            response.setStatus(413);
            response.setContentType("application/json");
            response.setHeader("Connection", "close");
            response.getWriter().write("{\"detail\":\"body: must be at most 1 MiB\"}");
            return;
        }
        chain.doFilter(new Limited(request, bodyReadTimeout), response);
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final java.time.Duration timeout;
        private ServletInputStream limited;

        Limited(HttpServletRequest request, java.time.Duration timeout) {
            super(request);
            this.timeout = timeout;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) limited = new CountingStream(super.getInputStream(), timeout);
            return limited;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final java.time.Duration timeout;
        private final long until;
        private long read;

        CountingStream(ServletInputStream in, java.time.Duration timeout) {
            this.in = in;
            this.timeout = timeout;
            this.until = System.nanoTime() + timeout.toNanos();
        }

        private void checkTime() throws BodyTooSlowException {
            if (System.nanoTime() > until) throw new BodyTooSlowException(timeout);
        }

        @Override
        public int read() throws IOException {
            checkTime();
            int b = in.read();
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            checkTime();
            int n = in.read(buffer, offset, length);
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > MAX_BYTES) throw new BodyTooLargeException();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
