package dev.vmroutes.store;

import java.util.ArrayList;
import java.util.List;

/** Every record in a store, for tests that check nothing was recorded: the product itself never reads the whole table. */
public final class StoreScan {

    private StoreScan() {
    }

    public static List<Deployment> all(DeploymentStore store) {
        if (store instanceof EmbeddedDeploymentStore embedded) return embedded.all();
        DynamoDeploymentStore dynamo = (DynamoDeploymentStore) store;
        List<Deployment> all = new ArrayList<>();
        dynamo.dynamo().scanPaginator(r -> r.tableName(dynamo.table()).consistentRead(true)).items().forEach(item -> {
            if (item.containsKey("version") && !item.containsKey("probe_of")) all.add(DeploymentItems.fromItem(item));
        });
        return all;
    }
}
