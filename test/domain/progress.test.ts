import { describe, expect, it } from "vitest";
import {
  completeStep,
  failRun,
  failStep,
  newProgress,
  provisioningSteps,
  retryStep,
  skipStep,
  startStep,
  statusSnapshot,
} from "../../src/domain/progress.js";

const t = (second: number) => new Date(Date.UTC(2026, 10, 23, 10, 0, second));

describe("run progress", () => {
  it("stamps a step's start once and counts its attempts", () => {
    const progress = newProgress("provision", provisioningSteps);
    startStep(progress, "roleAssignments", t(1));
    retryStep(progress, "roleAssignments", "waiting for Entra");
    retryStep(progress, "roleAssignments", "waiting for Entra");
    completeStep(progress, "roleAssignments", t(9), "done");
    expect(progress.steps.find((step) => step.name === "roleAssignments")).toMatchObject({
      status: "succeeded",
      startedAt: t(1).toISOString(),
      completedAt: t(9).toISOString(),
      attempts: 3,
      detail: "done",
    });
  });

  it("fails the run at its step and cancels every step still running", () => {
    const progress = newProgress("provision", provisioningSteps);
    startStep(progress, "network", t(1));
    startStep(progress, "identity", t(1));
    failStep(progress, "identity", t(2), { code: "TooManyRequests", message: "slow down" });
    failRun(progress, "identity", t(3), { code: "TooManyRequests", message: "slow down" });
    expect(progress.outcome).toBe("Failed");
    expect(progress.error).toEqual({ step: "identity", code: "TooManyRequests", message: "slow down" });
    const byName = Object.fromEntries(progress.steps.map((step) => [step.name, step]));
    expect(byName.identity).toMatchObject({ status: "failed", completedAt: t(2).toISOString() });
    expect(byName.network).toMatchObject({ status: "canceled", completedAt: t(3).toISOString() });
  });

  it("cuts long details and keeps the IP table out of custom status", () => {
    const progress = newProgress("provision", provisioningSteps);
    skipStep(progress, "features", "x".repeat(1_000));
    expect(progress.steps.find((step) => step.name === "features")?.detail).toHaveLength(300);
    progress.ipVerification = {
      passed: true,
      nodes: [],
      pods: [],
      summary: { nodes: 0, pods: 0, hostNetworkPods: 0, mismatches: 0, pendingPods: 0 },
    };
    expect(statusSnapshot(progress).ipVerification).toBeNull();
  });
});
