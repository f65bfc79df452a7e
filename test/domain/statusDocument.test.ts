import { describe, expect, it } from "vitest";
import { newProgress, provisioningSteps, startStep, completeStep } from "../../src/domain/progress.js";
import { toStatusDocument, type InstanceSnapshot } from "../../src/domain/statusDocument.js";
import { plannedExample } from "../fixtures/examples.js";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute));
const request = plannedExample("overlay");

function snapshot(fields: Partial<InstanceSnapshot>): InstanceSnapshot {
  return {
    runtimeStatus: "Running",
    createdTime: at(0).toISOString(),
    lastUpdatedTime: at(1).toISOString(),
    input: { request, timings: {}, specHash: "h" },
    customStatus: null,
    output: null,
    ...fields,
  };
}

function running() {
  const progress = newProgress("provision", provisioningSteps);
  startStep(progress, "resourceGroup", at(0));
  completeStep(progress, "resourceGroup", at(1), "created");
  startStep(progress, "network", at(1));
  startStep(progress, "identity", at(1));
  return progress;
}

describe("toStatusDocument", () => {
  it("is Pending before the first progress and Running after", () => {
    expect(toStatusDocument("c1", snapshot({ runtimeStatus: "Pending" })).status).toBe("Pending");
    expect(toStatusDocument("c1", snapshot({ customStatus: running() })).status).toBe("Running");
  });

  it("marks what was running as canceled in a canceled run", () => {
    const document = toStatusDocument("c1", snapshot({ runtimeStatus: "Terminated", customStatus: running() }));
    expect(document.status).toBe("Canceled");
    // changeChecks (first) is a change run's only: pending in this create.
    expect(document.steps.map((step) => step.status)).toEqual([
      "pending",
      "succeeded",
      "canceled",
      "canceled",
      ...Array(provisioningSteps.length - 4).fill("pending"),
    ]);
  });

  it("shows an orchestrator crash without stack frames or server paths", () => {
    const document = toStatusDocument(
      "c1",
      snapshot({
        runtimeStatus: "Failed",
        customStatus: running(),
        output:
          "TypeError: Cannot read properties of undefined (reading 'x') at /home/site/wwwroot/dist/src/orchestrators/provisionCluster.js:42:7\n    at Generator.next (<anonymous>)",
      }),
    );
    expect(document.status).toBe("Failed");
    expect(document.error).toMatchObject({ step: "identity", code: "OrchestrationFailed" });
    expect(document.error?.message).not.toMatch(/\/home\/|\.js:|Generator/);
  });
});
