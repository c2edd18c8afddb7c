package dev.vmroutes.functions;

import dev.vmroutes.batch.Batches;
import dev.vmroutes.deploy.DeployJobs;

import java.util.List;

/** A batch's answer: per item, in request order, the status and body the single call would have answered. */
public record BatchResults(List<Item> results) {

    public record Item(int index, int status, Object body) {
    }

    /** Whether an item is still under way (202). */
    boolean anyUnderWay() {
        return results.stream().anyMatch(i -> i.status() == 202);
    }

    static BatchResults of(List<Batches.Outcome> outcomes) {
        return new BatchResults(outcomes.stream().map(o -> {
            if (o.result() instanceof DeployJobs.Accepted accepted) return new Item(o.index(), 202, accepted.body(accepted.status()));
            if (o.failure() == null) return new Item(o.index(), 200, o.result());
            var answer = ApiErrors.answer(o.failure());
            return new Item(o.index(), answer.getStatusCode().value(), answer.getBody());
        }).toList());
    }
}
