package dev.vmroutes.store;

import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Fills a table with finished deployments, as a year of deploys leaves them, in batches of 25: for benchmarks. */
public final class StoreSeed {

    private StoreSeed() {
    }

    /** Writes {@code count} finished records, agent after agent ({@code agents} of them, named {@code prefix-<n>}). */
    public static void finished(DynamoDeploymentStore store, String prefix, int agents, int count) {
        Instant start = Instant.now().minus(Duration.ofDays(300));
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String agent = prefix + "-" + (i % agents);
            Instant at = start.plusSeconds(i * 60L);
            Deployment d = Deployment.building(UUID.randomUUID().toString(), agent, "jules-agent-" + agent + "-" + at.getEpochSecond(),
                    "https://git.example/" + agent + ".git", "main", at);
            d = i % 4 == 0 ? d.failed("build", "pip could not install a requirement", "0123456789abcdef", at)
                    : d.ran("c" + i, "0123456789abcdef", "vm-routes-agent:x-" + agent, "running", java.util.Map.of("8080/tcp", 30000), at, at)
                    .replaced("next", at.plusSeconds(30)).imageRemoved(at.plusSeconds(30));
            var item = DeploymentItems.toItem(d.withVersion(3), Duration.ofDays(90));
            batch.add(WriteRequest.builder().putRequest(r -> r.item(item)).build());
            if (batch.size() == 25 || i == count - 1) {
                List<WriteRequest> send = List.copyOf(batch);
                batch.clear();
                var pending = java.util.Map.of(store.table(), send);
                while (pending != null && !pending.isEmpty()) {
                    var toSend = pending;
                    pending = store.dynamo().batchWriteItem(r -> r.requestItems(toSend)).unprocessedItems();
                }
            }
        }
    }
}
