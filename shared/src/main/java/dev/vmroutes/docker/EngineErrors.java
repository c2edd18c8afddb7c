package dev.vmroutes.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;
import dev.vmroutes.api.VmException;

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
                return Optional.of("the engine closed the connection; over TLS this means it did not accept our client certificate (" + t.getMessage() + ")");
            }
        }
        return Optional.empty();
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
