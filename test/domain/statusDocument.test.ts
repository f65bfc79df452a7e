import { describe, expect, it } from "vitest";
import { newProgress, provisioningSteps, startStep, completeStep } from "../../src/domain/progress.js";
import { toStatusDocument, withCancelOutcome, type InstanceSnapshot } from "../../src/domain/statusDocument.js";
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

describe("withCancelOutcome", () => {
  const canceled = () => toStatusDocument("c1", snapshot({ runtimeStatus: "Terminated", customStatus: running() }));
  const abort = { outcome: "aborted", target: { kind: "agentPool", name: "apps" }, state: "Canceled", message: null };
  const delivery = { type: "aks.provisioning.canceled", target: "webhook", outcome: "delivered", httpStatus: 200 };

  it("adds the abort's settled outcome and the canceled event's delivery once the cancel is announced", () => {
    const announced = snapshot({ runtimeStatus: "Completed", output: { abort, deliveries: [delivery] } });
    const document = withCancelOutcome(canceled(), announced);
    expect(document.abort).toEqual(abort);
    expect(document.deliveries).toEqual([delivery]);
  });

  it("shows no abort while the announcement runs, nor on a run that was not canceled", () => {
    expect(withCancelOutcome(canceled(), snapshot({ runtimeStatus: "Running" })).abort).toBeUndefined();
    expect(withCancelOutcome(canceled(), null).abort).toBeUndefined();
    const running = toStatusDocument("c1", snapshot({ customStatus: null }));
    const announced = snapshot({ runtimeStatus: "Completed", output: { abort, deliveries: [] } });
    expect(withCancelOutcome(running, announced).abort).toBeUndefined();
  });
});
