package dev.vmroutes.docker;

import dev.vmroutes.api.VmException;
import dev.vmroutes.testing.DroppingProxy;
import dev.vmroutes.testing.TestEnvironment;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The engine reached through a proxy that drops or holds connections: a call that is safe to
 * repeat is retried once on a fresh connection, a failure is 503 naming the engine (never an
 * internal error), and a hung engine does not hold a request past its deadline.
 */
class EngineConnectionIT {

    static final URI ENGINE = URI.create(TestEnvironment.require("DOCKER_HOST"));
    static final DroppingProxy proxy = start();
    static final int DEADLINE_SECONDS = 2;

    static DroppingProxy start() {
        try {
            return new DroppingProxy(ENGINE.getHost(), ENGINE.getPort());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void pass() {
        proxy.mode(DroppingProxy.Mode.PASS);
        proxy.dropNext(0);
    }

    @Test
    void list_whenTheConnectionIsCutDuringTheHandshake_isRetriedOnAFreshOne() throws Exception {
        // Fresh routes: their first engine connection is the one dropped.
        try (TestRoutes fresh = new TestRoutes().with("DOCKER_HOST", "tcp://127.0.0.1:" + proxy.port())) {
            fresh.start();
            int before = proxy.accepted();
            proxy.dropNext(1);
            assertThat(fresh.routes.withinDeadline(() -> fresh.routes.agents().list().list())).isNotNull();
            assertThat(proxy.accepted() - before).as("connections: the dropped one and the retry").isEqualTo(2);
        }
    }

    @Test
    void list_whenEveryConnectionIsDropped_is503NamingTheEngine() throws Exception {
        try (TestRoutes fresh = new TestRoutes().with("DOCKER_HOST", "tcp://127.0.0.1:" + proxy.port())) {
            fresh.start();
            proxy.mode(DroppingProxy.Mode.DROP);
            VmException e = catchThrowableOfType(VmException.class,
                    () -> fresh.routes.withinDeadline(() -> fresh.routes.agents().list().list()));
            assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE);
            assertThat(e.detail()).startsWith("Docker engine unavailable: ").contains("connection to the engine");
        }
    }

    @Test
    void list_whenTheEngineHangs_answersByTheDeadline() throws Exception {
        // The engine client's own timeouts are longer than the deadline: only the deadline can end the call this soon.
        try (TestRoutes fresh = new TestRoutes().with("DOCKER_HOST", "tcp://127.0.0.1:" + proxy.port())
                .with("VM_REQUEST_DEADLINE_SECONDS", Integer.toString(DEADLINE_SECONDS))
                .with("VM_DOCKER_CONNECT_TIMEOUT_SECONDS", "60").with("VM_DOCKER_RESPONSE_TIMEOUT_SECONDS", "60")) {
            fresh.start();
            proxy.mode(DroppingProxy.Mode.HANG);
            long start = System.nanoTime();
            VmException e = catchThrowableOfType(VmException.class,
                    () -> fresh.routes.withinDeadline(() -> fresh.routes.agents().list().list()));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE);
            assertThat(e.detail()).contains("deadline of " + DEADLINE_SECONDS + " s");
            assertThat(seconds).isLessThan(DEADLINE_SECONDS + 10);
        }
    }
}
