package dev.vmroutes.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The behaviour every store must have; run against dynalite and against the embedded store. */
abstract class DeploymentStoreContract {

    abstract DeploymentStore store();

    private static Deployment newDeployment(String containerName) {
        return Deployment.building(UUID.randomUUID().toString(), "agent", containerName,
                "https://git.example/agent.git", "main", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void create_thenGet_returnsTheSameRecordAtVersionOne() {
        Deployment created = store().create(newDeployment("jules-agent-a-" + System.nanoTime()));
        assertThat(created.version()).isEqualTo(1);
        assertThat(store().get(created.id())).contains(created);
    }

    @Test
    void create_sameIdTwice_isAConflict() {
        Deployment d = newDeployment("jules-agent-b-" + System.nanoTime());
        store().create(d);
        assertThatThrownBy(() -> store().create(d)).isInstanceOf(DeploymentStore.ConflictingWriteException.class);
    }

    @Test
    void agentLock_isHeldByOneDeploymentUntilReleasedOrExpired_andNeverListedAsARecord() {
        String agent = "locked-" + System.nanoTime();
        Instant now = Instant.now();
        assertThat(store().lockAgent(agent, "first", now.plusSeconds(60), now)).isEmpty();
        assertThat(store().lockAgent(agent, "second", now.plusSeconds(60), now)).contains("first");
        assertThat(StoreScan.all(store())).noneMatch(d -> d.id() == null || d.id().contains(agent));
        assertThat(store().listLive()).noneMatch(d -> d.id() == null || d.id().contains(agent));
        store().unlockAgent(agent, "second"); // not the holder: nothing happens
        assertThat(store().lockAgent(agent, "second", now.plusSeconds(60), now)).contains("first");
        store().unlockAgent(agent, "first");
        assertThat(store().lockAgent(agent, "second", now.plusSeconds(1), now)).isEmpty();
        // A deploy that died holding the lock does not hold it past its expiry.
        assertThat(store().lockAgent(agent, "third", now.plusSeconds(60), now.plusSeconds(5))).isEmpty();
        assertThat(store().findByAgent(agent, 10)).isEmpty();
    }

    @Test
    void agentLock_takenOverOnlyFromItsOwnDeploymentOrWhenExpired_renewedOnlyByItsHolder() {
        String agent = "handover-" + System.nanoTime();
        Instant now = Instant.now();
        assertThat(store().lockAgent(agent, "queued", now.plusSeconds(60), now)).isEmpty();
        assertThat(store().takeOverLock(agent, "other", now.plusSeconds(30), now)).as("held by another, not expired").isFalse();
        assertThat(store().takeOverLock(agent, "queued", now.plusSeconds(30), now)).as("its own deployment").isTrue();
        assertThat(store().readLock(agent)).contains(new DeploymentStore.Lock("queued", now.plusSeconds(30).truncatedTo(ChronoUnit.SECONDS)));
        assertThat(store().renewLock(agent, "queued", now.plusSeconds(90))).isTrue();
        assertThat(store().renewLock(agent, "other", now.plusSeconds(90))).isFalse();
        // Expired: another deploy takes it; the first one's renewal then fails (its lease was lost).
        assertThat(store().lockAgent(agent, "later", now.plusSeconds(200), now.plusSeconds(100))).isEmpty();
        assertThat(store().renewLock(agent, "queued", now.plusSeconds(300))).isFalse();
        assertThat(store().takeOverLock(agent, "queued", now.plusSeconds(300), now.plusSeconds(101))).isFalse();
        assertThat(store().takeOverLock(agent, "queued", now.plusSeconds(400), now.plusSeconds(201))).as("expired").isTrue();
        store().unlockAgent(agent, "queued");
        assertThat(store().readLock(agent)).isEmpty();
    }

    @Test
    void liveAndInProgress_holdExactlyTheRecordsInThatState() {
        String agent = "sparse-" + System.nanoTime();
        Instant t = Instant.now();
        Deployment queued = store().create(Deployment.queued("q-" + agent, agent, "https://git.example/a.git", "main", "{}",
                t.plusSeconds(60), t));
        Deployment building = store().create(Deployment.building("b-" + agent, agent, "jules-agent-" + agent + "-1",
                "https://git.example/a.git", "main", t).until(t.plusSeconds(60)));
        Deployment running = store().update(store().create(Deployment.building("r-" + agent, agent, "jules-agent-" + agent + "-2",
                "https://git.example/a.git", "main", t)).ran("c", "sha", "img", "running", Map.of(), t, t));
        Deployment replaced = store().update(store().create(Deployment.building("x-" + agent, agent, "jules-agent-" + agent + "-3",
                "https://git.example/a.git", "main", t)).replaced("r-" + agent, t));
        assertThat(store().listLive()).extracting(Deployment::id).filteredOn(id -> id.endsWith(agent))
                .containsExactlyInAnyOrder(building.id(), running.id());
        assertThat(store().listInProgress()).extracting(Deployment::id).filteredOn(id -> id.endsWith(agent))
                .containsExactlyInAnyOrder(queued.id(), building.id());
        assertThat(store().get(queued.id()).orElseThrow().request()).isEqualTo("{}");
        // Once it ends, a record leaves both, and what it only needed while under way goes.
        Deployment ended = store().update(store().get(queued.id()).orElseThrow().failed("queue", "x", null, t));
        assertThat(ended.request()).isNull();
        assertThat(ended.deadlineAt()).isNull();
        assertThat(store().listInProgress()).extracting(Deployment::id).doesNotContain(queued.id());
        assertThat(replaced.live()).isFalse();
    }

    @Test
    void findByAgent_isNewestFirst_andOnlyThatAgents() {
        String agent = "history-" + System.nanoTime();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < 3; i++) {
            store().create(Deployment.building("h" + i + "-" + agent, agent, "jules-agent-" + agent + "-" + i,
                    "https://git.example/agent.git", "main", t.plusMillis(i * 1001L + (i == 1 ? 7 : 0))));
        }
        assertThat(store().findByAgent(agent, 10)).extracting(Deployment::id)
                .containsExactly("h2-" + agent, "h1-" + agent, "h0-" + agent);
        assertThat(store().findByAgent(agent, 2)).extracting(Deployment::id).containsExactly("h2-" + agent, "h1-" + agent);
    }

    @Test
    void get_unknownId_isEmpty() {
        assertThat(store().get("no-such-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void listLive_containsEveryCreatedRecordWithAContainer() {
        Deployment one = store().create(newDeployment("jules-agent-c-" + System.nanoTime()));
        Deployment two = store().create(newDeployment("jules-agent-d-" + System.nanoTime()));
        assertThat(store().listLive()).contains(one, two);
    }

    @Test
    void update_fromCurrentVersion_storesAllFieldsAndBumpsVersion() {
        Deployment created = store().create(newDeployment("jules-agent-f-" + System.nanoTime()));
        Instant later = created.createdAt().plusSeconds(5);
        Deployment running = created.running("abc123", "0123456789abcdef", "vm-routes-agent:tag", "running",
                Map.of("8080/tcp", 32768), later);
        Deployment stored = store().update(running);
        assertThat(stored.version()).isEqualTo(2);
        assertThat(store().get(created.id())).contains(stored);
        assertThat(stored.ports()).containsEntry("8080/tcp", 32768);
    }

    @Test
    void update_afterAnotherWriterWon_failsCleanlyAndKeepsTheWinner() {
        Deployment created = store().create(newDeployment("jules-agent-g-" + System.nanoTime()));
        Deployment winner = store().update(created.withStatus("running", Instant.now()));
        assertThatThrownBy(() -> store().update(created.withStatus("failed", Instant.now())))
                .isInstanceOf(DeploymentStore.ConflictingWriteException.class);
        assertThat(store().get(created.id())).contains(winner);
    }

    @Test
    void update_ofMissingRecord_isAConflict() {
        Deployment never = newDeployment("jules-agent-h-" + System.nanoTime());
        assertThatThrownBy(() -> store().update(never)).isInstanceOf(DeploymentStore.ConflictingWriteException.class);
    }

    @Test
    void recordProbes_readsCarryTheLatestProbe_andRecordsKeepTheirVersion() {
        String name = "jules-agent-p-" + System.nanoTime();
        Deployment created = store().create(newDeployment(name));
        Instant first = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store().recordProbes(List.of(new Probe(created.id(), "starting", "running", first)));
        store().recordProbes(List.of(new Probe(created.id(), "healthy", "running", first.plusSeconds(60))));

        for (Deployment read : List.of(store().get(created.id()).orElseThrow(),
                store().listLive().stream().filter(d -> d.id().equals(created.id())).findFirst().orElseThrow())) {
            assertThat(read.lastProbeOutcome()).isEqualTo("healthy");
            assertThat(read.lastProbeAt()).isEqualTo(first.plusSeconds(60));
            assertThat(read.version()).isEqualTo(1);
        }
        // A probe never makes a deploy's or a stop's conditional write lose.
        assertThat(store().update(created.withStatus("stopped", Instant.now())).version()).isEqualTo(2);
        assertThat(store().get(created.id()).orElseThrow().lastProbeOutcome()).isEqualTo("healthy");
    }

    @Test
    void recordProbes_moreThanOneBatch_storesEvery() {
        List<Deployment> created = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) created.add(store().create(newDeployment("jules-agent-q" + i + "-" + System.nanoTime())));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store().recordProbes(created.stream().map(d -> new Probe(d.id(), "unhealthy", "running", at)).toList());
        var ids = created.stream().map(Deployment::id).collect(java.util.stream.Collectors.toSet());
        assertThat(store().listLive().stream().filter(d -> ids.contains(d.id())))
                .hasSize(60).allSatisfy(d -> assertThat(d.lastProbeOutcome()).isEqualTo("unhealthy"));
    }
}
