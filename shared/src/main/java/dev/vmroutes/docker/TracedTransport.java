package dev.vmroutes.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import dev.vmroutes.api.Tracing;

import java.io.IOException;

/**
 * Each call to the engine a subsegment named by its method and path (without the query, which
 * may hold build arguments); a streamed answer's subsegment ends when its headers arrive.
 */
record TracedTransport(DockerHttpClient transport) implements DockerHttpClient {

    @Override
    public Response execute(Request request) {
        String path = request.path();
        int query = path.indexOf('?');
        return Tracing.subsegment("docker " + request.method() + " " + (query < 0 ? path : path.substring(0, query)),
                () -> transport.execute(request));
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
