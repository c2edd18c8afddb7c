package dev.vmroutes.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.VmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns failures talking to the engine into one clear sentence; an unreachable engine into a domain error. */
public final class EngineErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(EngineErrors.class);

    private EngineErrors() {
    }

    /**
     * Describes why the engine could not be reached, or empty when {@code error} is not a
     * transport failure (an engine that answered with an error status, for instance).
     */
    public static Optional<String> unreachable(Throwable error) {
        if (error instanceof DockerException) return Optional.empty();
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLPeerUnverifiedException) {
                return Optional.of("the engine's certificate does not match its host name (" + t.getMessage() + ")");
            }
            if (t instanceof SSLHandshakeException && droppedDuringHandshake(t)) {
                return Optional.of("the engine closed the connection during the TLS handshake (" + t.getMessage() + ")");
            }
            if (t instanceof SSLHandshakeException) {
                // An alert comes from the engine's side: it refused our certificate. Otherwise we refused its.
                return Optional.of(String.valueOf(t.getMessage()).contains("Received fatal alert")
                        ? "the engine did not accept our client certificate (" + t.getMessage() + ")"
                        : "the engine's certificate is not signed by the configured CA (" + t.getMessage() + ")");
            }
            if (t instanceof ConnectException) {
                return Optional.of("the engine refused the connection (is it running?)");
            }
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return Optional.of("the engine did not answer in time");
            }
            if (t instanceof UnknownHostException) {
                return Optional.of("the engine's host name does not resolve");
            }
            if (t instanceof SocketException) {
                return Optional.of("the connection to the engine was closed (" + t.getMessage()
                        + "): the engine did not accept our client certificate, or the connection broke");
            }
            if (t instanceof IOException) {
                return Optional.of("the connection to the engine broke (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the connection broke under a call (reset, closed, no answer): worth one more try on a
     * fresh connection. A refused connection, a timeout or a certificate problem is not: it would
     * fail the same way.
     */
    static boolean brokenConnection(Throwable error) {
        if (error instanceof DockerException) return false;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException && !droppedDuringHandshake(t)) return false;
            if (t instanceof SSLPeerUnverifiedException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException || t instanceof UnknownHostException
                    || t instanceof java.io.InterruptedIOException) {
                return false;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException) return true;
        }
        return false;
    }

    /** A handshake the other side cut off (the connection closed under it), as opposed to a certificate refused. */
    private static boolean droppedDuringHandshake(Throwable handshake) {
        for (Throwable t = handshake.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException || t instanceof SocketException) return true;
        }
        return false;
    }

    /**
     * Runs an engine call that changes nothing, so is safe to repeat: when the connection breaks
     * under it, it is tried once more (the broken connection is not reused); a transport failure
     * after that becomes {@link VmException.Kind#UNAVAILABLE}.
     */
    public static <T> T read(Supplier<T> call) {
        try {
            return call.get();
        } catch (VmException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!brokenConnection(e) || Thread.currentThread().isInterrupted() || Deadline.currentPassed()) {
                throw asUnavailable(e).<RuntimeException>map(u -> u).orElse(e);
            }
            LOG.info("the engine connection broke ({}); trying once more", unreachable(e).orElse(e.getClass().getSimpleName()));
            return call(call);
        }
    }

    /** Runs one engine call; a transport failure becomes {@link VmException.Kind#UNAVAILABLE}. */
    public static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (VmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw asUnavailable(e).<RuntimeException>map(u -> u).orElse(e);
        }
    }

    public static void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** The domain error for an engine that could not be reached; empty for anything the engine answered. */
    public static Optional<VmException> asUnavailable(RuntimeException e) {
        if (e instanceof VmException vm) return vm.kind() == VmException.Kind.UNAVAILABLE ? Optional.of(vm) : Optional.empty();
        return unreachable(e).map(reason -> VmException.unavailable("Docker engine", reason, e));
    }

    private static final java.util.regex.Pattern HOST_PATH = java.util.regex.Pattern.compile(
            "(/[\\w.@+-]+)*/(var/lib/docker|volumes|overlay2|containers|containerd|runc)(/[^\\s\"',:;)]*)?");

    /** The text with paths on the engine's host (its data directory, a volume's, a layer's) left out. */
    public static String withoutHostPaths(String text) {
        return text == null ? null : HOST_PATH.matcher(text).replaceAll("(a path on the engine host)");
    }

    /** The engine's own message from an error response body such as {@code {"message": "..."}}. */
    public static String message(Exception e) {
        String text = String.valueOf(e.getMessage());
        int brace = text.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode node = JSON.readTree(text.substring(brace));
                if (node.hasNonNull("message")) return node.get("message").asText();
            } catch (IOException notJson) {
                // keep the whole text
            }
        }
        return text;
    }
}
