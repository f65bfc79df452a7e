/** The status document's pools: recorded by a multi-pool run, derived from the request for a one-pool run. */
import { describe, expect, it } from "vitest";
import { poolsOf } from "../../src/domain/poolStatus.js";
import { newProgress, provisioningSteps } from "../../src/domain/progress.js";
import { plannedExample } from "../fixtures/examples.js";

describe("poolsOf", () => {
  it("derives a one-pool run's pool from the request, the subnet ids and the cluster step", () => {
    const progress = newProgress("provision", provisioningSteps);
    progress.resources.nodeSubnetId = "subnet-nodes";
    progress.steps.find((step) => step.name === "cluster")!.status = "succeeded";
    expect(poolsOf(plannedExample("overlay"), progress)).toEqual([
      {
        name: "system",
        mode: "System",
        nodeSubnetId: "subnet-nodes",
        podSubnetId: null,
        state: "Succeeded",
        count: 3,
        autoscale: null,
      },
    ]);
  });

  it("keeps what a multi-pool run recorded, and is empty before a run has progress", () => {
    const progress = newProgress("provision", provisioningSteps);
    progress.pools = [];
    expect(poolsOf(plannedExample("overlay-user-pools"), progress)).toEqual([]);
    expect(poolsOf(plannedExample("overlay"), null)).toEqual([]);
  });
});
