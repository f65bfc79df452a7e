/**
 * One description per contract, checked against real traffic: the documents a running stack answers and sends (a
 * status document while running, succeeded, failed and deleted; the list; the 202 of a run and a change's what-if
 * plan; problem documents; the CloudEvents a webhook receives) are validated against the OpenAPI description the
 * same stack publishes at /api/openapi.json.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestFor, startTestStack, startEventReceiver, type EventReceiver, type TestStack } from "./harness.js";

let stack: TestStack;
let receiver: EventReceiver;
let receiverUrl: string;
let validate: (schema: string, document: unknown) => string[];

beforeAll(async () => {
  receiver = await startEventReceiver();
  receiverUrl = receiver.url;
  stack = await startTestStack();

  const published = await stack.api("/api/openapi.json");
  expect(published.status).toBe(200);
  // Formats are annotations in OpenAPI 3.1's dialect; the shapes, enums and required fields are what is checked.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: "openapi.json", components: published.body.components });
  validate = (schema, document) => {
    const check = ajv.compile({ $ref: `openapi.json#/components/schemas/${schema}` });
    return check(document) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  };
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

describe("the published OpenAPI describes what the API really sends", () => {
  it("refuses a document it does not describe (so the checks below can fail)", async () => {
    const summary = {
      id: "c0123456789abcdef01234567",
      status: "Succeeded",
      subscriptionId: null,
      resourceGroup: null,
      clusterName: null,
      requestedBy: null,
      createdAt: "2026-12-07T00:00:00.000Z",
      updatedAt: "2026-12-07T00:00:00.000Z",
    };
    expect(validate("ClusterSummary", summary)).toEqual([]);
    expect(validate("ClusterSummary", { ...summary, status: "Done" })).not.toEqual([]);
    expect(validate("ClusterSummary", { ...summary, undocumented: true })).not.toEqual([]);
    expect(validate("Problem", { title: "no type or status" })).not.toEqual([]);
  });

  it("status documents of a run from Running to Succeeded to Deleted, its list entry and its events", async () => {
    const body = { ...requestFor("overlay", "aks-contract"), notify: { url: `${receiverUrl}/hooks`, steps: true } };
    const started = await stack.api("/api/clusters", { method: "POST", body });
    expect(started.status).toBe(202);
    expect(validate("AcceptedRun", started.body)).toEqual([]);
    const running = await stack.api(`/api/clusters/${started.body.id}`);
    expect(validate("ClusterStatus", running.body)).toEqual([]);

    const succeeded = await stack.waitForFinal(started.body.id);
    expect(succeeded.status).toBe("Succeeded");
    expect(validate("ClusterStatus", succeeded)).toEqual([]);

    const list = await stack.api("/api/clusters?top=5");
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(validate("ClusterSummary", item)).toEqual([]);

    // A change to the built cluster, planned only: the what-if answer and the plan it carries.
    const tagged = { ...body, tags: { ...(body.tags as object | undefined), owner: "team-contract" } };
    const whatIf = await stack.api("/api/clusters?whatIf=true", { method: "POST", body: tagged });
    expect(whatIf.status).toBe(200);
    expect(whatIf.body.changePlan.changes.map((change: { code: string }) => change.code)).toEqual(["tags-update"]);
    expect(validate("WhatIfAnswer", whatIf.body)).toEqual([]);
    expect(validate("ChangePlan", whatIf.body.changePlan)).toEqual([]);

    const deleting = await stack.api(`/api/clusters/${started.body.id}`, { method: "DELETE" });
    expect(deleting.status).toBe(202);
    const deleted = await stack.waitForFinal(started.body.id);
    expect(deleted.status).toBe("Deleted");
    expect(validate("ClusterStatus", deleted)).toEqual([]);

    await expect.poll(() => receiver.events.some((e) => e.type === "aks.provisioning.deleted")).toBe(true);
    const types = new Set(receiver.events.map((e) => e.type));
    expect([...types].sort()).toEqual([
      "aks.provisioning.deleted",
      "aks.provisioning.step",
      "aks.provisioning.succeeded",
    ]);
    for (const event of receiver.events) expect(validate("CloudEvent", event)).toEqual([]);
  });

  it("a failed run's status document and its failed event", async () => {
    stack.sim.control.addFault({
      method: "PUT",
      path: "managedClusters/aks-contract-failed",
      status: 400,
      code: "BadRequest",
      count: 1,
    });
    const body = { ...requestFor("overlay", "aks-contract-failed"), notify: { url: `${receiverUrl}/hooks` } };
    const started = await stack.api("/api/clusters", { method: "POST", body });
    const failed = await stack.waitForFinal(started.body.id);
    expect(failed.status).toBe("Failed");
    expect(failed.error).not.toBeNull();
    expect(validate("ClusterStatus", failed)).toEqual([]);
    await expect.poll(() => receiver.events.find((e) => e.type === "aks.provisioning.failed")).toBeDefined();
    const event = receiver.events.find((e) => e.type === "aks.provisioning.failed");
    expect(validate("CloudEvent", event)).toEqual([]);
  });

  it("problem documents: an invalid request, an unknown id, a bad filter", async () => {
    const invalid = await stack.api("/api/clusters", { method: "POST", body: { clusterName: "x" } });
    expect(invalid.status).toBe(400);
    const missing = await stack.api("/api/clusters/c0123456789abcdef01234567");
    expect(missing.status).toBe(404);
    const filter = await stack.api("/api/clusters?top=0");
    expect(filter.status).toBe(400);
    for (const answer of [invalid, missing, filter]) {
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(validate("Problem", answer.body)).toEqual([]);
    }
  });
});
