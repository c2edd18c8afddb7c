package dev.vmroutes.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded store: the same contract, and records that survive a restart. */
class EmbeddedDeploymentStoreTest extends DeploymentStoreContract {

    @TempDir
    Path dir;

    private EmbeddedDeploymentStore store;

    @BeforeEach
    void open() {
        store = new EmbeddedDeploymentStore(dir.resolve("deployments.mv.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    DeploymentStore store() {
        return store;
    }

    @Test
    void records_surviveReopeningTheFile() {
        Deployment created = store.create(Deployment.building("id-1", "agent", "jules-agent-agent-1", "https://x/y.git",
                "main", Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        store.close();
        store = new EmbeddedDeploymentStore(dir.resolve("deployments.mv.db"));
        assertThat(store.get("id-1")).contains(created);
    }
}
