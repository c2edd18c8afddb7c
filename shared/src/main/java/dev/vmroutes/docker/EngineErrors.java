package dev.vmroutes.docker;

import com.github.dockerjava.api.exception.DockerException;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;

/** Turns transport failures talking to the engine into one clear sentence. */
public final class EngineErrors {

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
}
