package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/**
 * A Docker client made on its first call. A function that never calls the engine never reads the
 * engine's TLS secret (root on the Docker host), and needs no right to.
 */
public final class LazyDockerClient {

    private LazyDockerClient() {
    }

    public static DockerClient of(Supplier<DockerClient> make) {
        Object[] made = new Object[1];
        return (DockerClient) Proxy.newProxyInstance(DockerClient.class.getClassLoader(), new Class<?>[] {DockerClient.class},
                (proxy, method, args) -> {
                    DockerClient client;
                    synchronized (made) {
                        if (made[0] == null) {
                            if (method.getName().equals("close")) return null;
                            made[0] = make.get();
                        }
                        client = (DockerClient) made[0];
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
