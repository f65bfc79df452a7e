import { describe, expect, it } from "vitest";
import { teardownCluster, type TeardownInput } from "../../src/orchestrators/teardownCluster.js";
import { runOrchestrator, type ActivityScript } from "./fakeOrchestrationContext.js";

const cluster = { subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "rg", clusterName: "aks" };
const timings = {
  clusterPollIntervalSeconds: 30,
  featurePollIntervalSeconds: 30,
  roleAssignmentRetrySeconds: 10,
  clusterTimeoutMinutes: 10,
  podReadyTimeoutMinutes: 15,
  transientRetryFirstSeconds: 5,
};
const input = (scope: TeardownInput["scope"]): TeardownInput => ({ cluster, scope, timings });

describe("teardownCluster orchestrator", () => {
  it("deletes the cluster and polls on timers until it is gone", () => {
    const script: ActivityScript = {
      beginDeleteCluster: () => ({ ok: true, value: { state: "Deleting" } }),
      getDeletionState: (_, call) => ({ ok: true, value: { state: call < 3 ? "Deleting" : "Gone" } }),
    };
    const { output, calls, timers } = runOrchestrator(teardownCluster, input("cluster"), script);
    expect(output.outcome).toBe("Succeeded");
    expect(output.steps).toMatchObject([{ name: "deleteCluster", status: "succeeded", detail: "deleted" }]);
    expect(calls.map((c) => c.name)).toEqual([
      "beginDeleteCluster",
      "getDeletionState",
      "getDeletionState",
      "getDeletionState",
    ]);
    expect(timers).toHaveLength(3);
  });

  it("removes the whole resource group when asked", () => {
    const script: ActivityScript = {
      beginDeleteResourceGroup: () => ({ ok: true, value: { state: "Gone" } }),
    };
    const { output, calls } = runOrchestrator(teardownCluster, input("resourceGroup"), script);
    expect(output.steps[0]).toMatchObject({ name: "deleteResourceGroup", status: "succeeded" });
    expect(calls.map((c) => c.name)).toEqual(["beginDeleteResourceGroup"]);
  });

  it("gives up after the timeout with DeleteTimeout", () => {
    const script: ActivityScript = {
      beginDeleteCluster: () => ({ ok: true, value: { state: "Deleting" } }),
      getDeletionState: () => ({ ok: true, value: { state: "Deleting" } }),
    };
    const { output, elapsedMs } = runOrchestrator(teardownCluster, input("cluster"), script);
    expect(output.error).toMatchObject({ step: "deleteCluster", code: "DeleteTimeout" });
    expect(elapsedMs).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it("reports a permanent delete failure with the ARM code", () => {
    const script: ActivityScript = {
      beginDeleteCluster: () => ({ ok: false, error: { code: "AuthorizationFailed", message: "no delete right" } }),
    };
    const { output } = runOrchestrator(teardownCluster, input("cluster"), script);
    expect(output.error).toEqual({ step: "deleteCluster", code: "AuthorizationFailed", message: "no delete right" });
    expect(output.steps[0]?.status).toBe("failed");
  });
});
