import { describe, expect, it } from "vitest";
import { completeStep, newProgress, provisioningSteps, startStep, succeedRun } from "../../src/domain/progress.js";
import { toStatusDocument, type InstanceSnapshot } from "../../src/domain/statusDocument.js";
import { plannedExample } from "../fixtures/examples.js";

const request = plannedExample("overlay");
const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute));

function provisioned() {
  const progress = newProgress("provision", provisioningSteps);
  startStep(progress, "resourceGroup", at(0));
  completeStep(progress, "resourceGroup", at(1), "created");
  succeedRun(progress);
  progress.resources = { clusterId: "/subscriptions/s/…/aks" };
  return progress;
}

function teardownInstance(fields: Partial<InstanceSnapshot>): InstanceSnapshot {
  return {
    runtimeStatus: "Running",
    createdTime: at(30).toISOString(),
    lastUpdatedTime: at(31).toISOString(),
    input: {
      cluster: {},
      scope: "cluster",
      timings: {},
      previous: {
        request,
        specHash: "h",
        createdAt: at(0).toISOString(),
        progress: provisioned(),
        meta: {
          clusterId: "c1",
          acceptedAt: at(0).toISOString(),
          requestedBy: "alice@contoso.example",
          events: { webhook: { url: "https://hooks.example.com/", signed: true, steps: false }, eventGrid: false },
          secretRunKey: "k",
        },
      },
    },
    customStatus: null,
    output: null,
    ...fields,
  };
}

describe("a teardown under the run's own instance id", () => {
  it("shows the provisioning run and the delete together, from the one instance", () => {
    const deleting = toStatusDocument("c1", teardownInstance({}));
    expect(deleting).toMatchObject({
      status: "Deleting",
      createdAt: at(0).toISOString(),
      requestedBy: "alice@contoso.example",
      notify: { url: "https://hooks.example.com/", signed: true, steps: false },
      resources: { clusterId: "/subscriptions/s/…/aks" },
    });
    expect(deleting.request?.clusterName).toBe(request.clusterName);
    const teardown = newProgress("teardown", ["deleteCluster"]);
    startStep(teardown, "deleteCluster", at(30));
    completeStep(teardown, "deleteCluster", at(32), "deleted");
    succeedRun(teardown);
    const done = toStatusDocument("c1", teardownInstance({ runtimeStatus: "Completed", output: teardown }));
    expect(done.status).toBe("Deleted");
    expect(done.steps.map((step) => step.name)).toEqual([...provisioningSteps, "deleteCluster"]);
    // Finished but still delivering its events: the outcome shows already.
    expect(toStatusDocument("c1", teardownInstance({ customStatus: teardown })).status).toBe("Deleted");
  });

  it("reports a teardown crash as Failed without stack frames", () => {
    const crashed = toStatusDocument(
      "c1",
      teardownInstance({ runtimeStatus: "Failed", output: "Error: boom\n    at x (/srv/app/dist/a.js:1:2)" }),
    );
    expect(crashed.status).toBe("Failed");
    expect(crashed.error?.message).toBe("Error: boom");
  });
});
