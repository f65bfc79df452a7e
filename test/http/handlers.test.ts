/**
 * The HTTP handlers against an in-memory Durable client: what the API answers, and what it never lets reach the
 * orchestration store.
 */
import { HttpRequest } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { setAuditSink } from "../../src/audit.js";
import { loadConfig } from "../../src/config.js";
import { duplicateKeyPath } from "../../src/http/duplicateKeys.js";
import { callerKeyHash } from "../../src/identity/callerKeys.js";
import { provisioningId } from "../../src/domain/names.js";
import { newProgress, provisioningSteps, startStep } from "../../src/domain/progress.js";
import { cancelProvisioning } from "../../src/http/cancelProvisioning.js";
import { deleteCluster } from "../../src/http/deleteCluster.js";
import { getProvisioningStatus } from "../../src/http/getProvisioningStatus.js";
import { startProvisioning } from "../../src/http/startProvisioning.js";
import type { ProvisionInput } from "../../src/orchestrators/provisionCluster.js";
import { example } from "../fixtures/examples.js";
import { memoryTable } from "../../src/azure/tables.js";
import { NotifySecrets, RequestKeys, RunIndex, type HttpStores } from "../../src/http/stores.js";
import { FakeDurableClient } from "./fakeDurableClient.js";

// The pipeline these tests call as: a caller key reaching every group.
const apiKey = "handler-test-key-0123456789";
const config = loadConfig({
  CALLER_KEYS: JSON.stringify({
    keys: [{ id: "pipeline", sha256: callerKeyHash(apiKey), subscriptions: ["*"], resourceGroups: ["*"] }],
  }),
});
const keyed = { "x-api-key": apiKey };
const base = "http://localhost:7071/api";
let durable: FakeDurableClient;
let stores: HttpStores;

beforeEach(() => {
  durable = new FakeDurableClient();
  stores = {
    index: new RunIndex(memoryTable()),
    keys: new RequestKeys(memoryTable()),
    secrets: new NotifySecrets(memoryTable()),
  };
});

function post(body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return startProvisioning(
    new HttpRequest({
      method: "POST",
      url: `${base}/clusters`,
      body: { string: text },
      headers: { ...keyed, ...headers },
    }),
    durable.asClient(),
    config,
    stores,
  );
}

const problemOf = (response: { body?: unknown }) => JSON.parse(response.body as string) as Record<string, any>;
const overlay = () => example("overlay");
const idOf = (body: Record<string, any>) =>
  provisioningId(body.subscriptionId as string, body.resourceGroup as string, body.clusterName as string);

/** Marks the run for `body` as finished successfully, as the orchestration would leave it. */
function succeed(body: Record<string, any>): void {
  const instance = durable.instances.get(idOf(body));
  if (instance === undefined) throw new Error("no run to finish");
  const progress = newProgress("provision", provisioningSteps);
  progress.outcome = "Succeeded";
  instance.runtimeStatus = "Completed";
  instance.output = progress;
}

describe("POST /api/clusters", () => {
  it("stamps run.accepted with the time the run was accepted, before the run can log that it is running", async () => {
    const lines: string[] = [];
    const previous = setAuditSink((line) => lines.push(line));
    // The orchestration may log run.running while startNew is still answering; this one answers 50 ms late.
    const start = durable.startNew;
    durable.startNew = async (name, options) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return start(name, options);
    };
    try {
      expect((await post(overlay())).status).toBe(202);
      const input = durable.instances.get(idOf(overlay()))?.input as ProvisionInput;
      const accepted = lines.map((line) => JSON.parse(line) as { action: string; at: string });
      expect(accepted.find((entry) => entry.action === "run.accepted")?.at).toBe(input.meta?.acceptedAt);
    } finally {
      setAuditSink(previous);
    }
  });

  it("answers 415 for a JSON body sent without a JSON content type, and starts nothing", async () => {
    for (const headers of [
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
      // A patch describes a change, not a ClusterRequest.
      { "content-type": "application/json-patch+json" },
      { "content-type": "application/merge-patch+json; charset=utf-8" },
      {},
    ] as Record<string, string>[]) {
      const response = await post(overlay(), headers);
      expect(response.status).toBe(415);
      expect(problemOf(response).errors[0]).toMatchObject({ path: "content-type", code: "unsupported-media-type" });
    }
    expect(durable.calls).toEqual([]);
  });

  it("refuses a body naming a key twice with 400 naming the key, at any depth, and starts nothing", async () => {
    const body = JSON.stringify(overlay());
    const twice = `{"clusterName":"Bad Name!",${body.slice(1)}`;
    const top = await post(twice);
    expect(top.status).toBe(400);
    expect(problemOf(top).errors).toEqual([expect.objectContaining({ path: "clusterName", code: "duplicate-key" })]);
    const nested = body.replace('"network":{', '"network":{"mode":"kubenet",');
    expect(problemOf(await post(nested)).errors[0]).toMatchObject({ path: "network.mode", code: "duplicate-key" });
    const inArray = JSON.stringify({ ...overlay(), features: [{ a: 1 }] }).replace('{"a":1}', '{"a":1,"a":2}');
    expect(problemOf(await post(inArray)).errors[0]).toMatchObject({ path: "features.0.a" });
    // The same key in sibling objects, or inside a string, is fine.
    expect(duplicateKeyPath('{"a":{"x":1},"b":[{"x":1},{"x":2}],"c":"\\"a\\":1,\\"a\\""}')).toBeNull();
    expect(durable.instances.size).toBe(0);
  });

  it("refuses a Repeatability-First-Sent in the future (beyond clock skew)", async () => {
    const headers = {
      "content-type": "application/json",
      "repeatability-request-id": "req-1",
      "repeatability-first-sent": "Fri, 01 Jan 9999 00:00:00 GMT",
    };
    const response = await post(overlay(), headers);
    expect(response.status).toBe(400);
    expect(problemOf(response).errors[0]).toMatchObject({ path: "Repeatability-First-Sent" });
    const now = { ...headers, "repeatability-first-sent": new Date().toUTCString() };
    expect((await post(overlay(), now)).status).toBe(202);
  });

  it("accepts application/json with a charset parameter", async () => {
    expect((await post(overlay(), { "content-type": "application/json; charset=utf-8" })).status).toBe(202);
  });

  it("counts the body limit in bytes, not characters", async () => {
    const body = overlay();
    body.tags = { note: "é".repeat(40_000) }; // 40,000 characters, 80,000 UTF-8 bytes
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(durable.calls).toEqual([]);
  });

  it("refuses by Content-Length before reading a large body", async () => {
    const response = await post(overlay(), { "content-type": "application/json", "content-length": "104857600" });
    expect(response.status).toBe(413);
  });

  it("joins the running run for the same spec and refuses a different one while it runs", async () => {
    const first = await post(overlay());
    expect(first.status).toBe(202);
    expect((await post(overlay())).status).toBe(202);
    const changed = overlay();
    changed.nodePool.count = 5;
    expect((await post(changed)).status).toBe(409);
    expect(durable.calls.filter((call) => call.method === "startNew")).toHaveLength(1);
  });

  it("applies a changed node count or tags to a built cluster and says what changes", async () => {
    await post(overlay());
    succeed(overlay());
    const scaled = overlay();
    scaled.nodePool.count = 5;
    scaled.tags = { owner: "platform", costCenter: "42" };
    const response = await post(scaled);
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body as string)).toMatchObject({
      changes: ["tags", "nodePools.0.count"],
      changePlan: { changes: [{ code: "tags-update" }, { code: "pool-scale" }], refused: [] },
    });
    const started = durable.instances.get(idOf(scaled))?.input as ProvisionInput;
    expect(started.request.nodePool.count).toBe(5);
  });

  it("refuses with 409 naming each field AKS cannot change in place, before anything runs", async () => {
    await post(overlay());
    succeed(overlay());
    const moved = overlay();
    moved.network.nodeSubnet.addressPrefix = "10.20.1.0/24";
    moved.nodePool.vmSize = "Standard_D8s_v5";
    const startsBefore = durable.calls.filter((call) => call.method === "startNew").length;
    const response = await post(moved);
    expect(response.status).toBe(409);
    const paths = (problemOf(response).errors as { path: string; code: string }[]).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(["network.nodeSubnet.addressPrefix", "nodePools.0.vmSize"]));
    expect(problemOf(response).errors[0].code).toBe("immutable-field");
    expect(durable.calls.filter((call) => call.method === "startNew")).toHaveLength(startsBefore);
  });

  it("answers the change plan for ?whatIf=true and starts nothing", async () => {
    const body = example("overlay-user-pools");
    await post(body);
    succeed(body);
    const scaled = example("overlay-user-pools");
    scaled.nodePools[1].count = 6;
    const startsBefore = durable.calls.filter((call) => call.method === "startNew").length;
    const response = await startProvisioning(
      new HttpRequest({
        method: "POST",
        url: `${base}/clusters?whatIf=true`,
        body: { string: JSON.stringify(scaled) },
        headers: { "content-type": "application/json", ...keyed },
      }),
      durable.asClient(),
      config,
      stores,
    );
    expect(response.status).toBe(200);
    const answer = (response as { jsonBody: Record<string, any> }).jsonBody;
    expect(answer.changePlan.changes).toMatchObject([{ code: "pool-scale", pool: "apps" }]);
    expect(answer.changePlan.addresses.before.pools[1].nodesNow).toBe(3);
    expect(answer.changePlan.addresses.after.pools[1].nodesNow).toBe(6);
    expect(durable.calls.filter((call) => call.method === "startNew")).toHaveLength(startsBefore);
  });

  it("runs a pool removal only when the request acknowledges it, and passes the pools to remove to the run", async () => {
    const body = example("overlay-user-pools");
    await post(body);
    succeed(body);
    const dropped = example("overlay-user-pools");
    dropped.nodePools.splice(2, 1);
    const refused = await post(dropped);
    expect(refused.status).toBe(409);
    expect(problemOf(refused).errors).toMatchObject([{ path: "acknowledge", code: "acknowledgement-required" }]);
    expect(problemOf(refused).changePlan.changes).toMatchObject([{ code: "pool-remove", pool: "batch" }]);
    expect((await post({ ...dropped, acknowledge: ["no-such-change"] })).status).toBe(400);
    const accepted = await post({ ...dropped, acknowledge: ["pool-remove"] });
    expect(accepted.status).toBe(202);
    const started = durable.instances.get(idOf(dropped))?.input as ProvisionInput;
    expect(started.change).toEqual({
      codes: ["pool-remove"],
      removePools: ["batch"],
      summaries: [
        {
          code: "pool-remove",
          kind: "disruptive",
          paths: ["nodePools.2"],
          summary: expect.stringMatching(/^pool batch/),
        },
      ],
    });
  });
});

describe("ids at the edge", () => {
  const hostile = [
    "x",
    "c123",
    "../c0123456789abcdef01234567",
    "%2F",
    "c0123456789abcdef01234567/terminate",
    "c0123456789abcdef0123456\u0000",
    "c0123456789abcdef01234567?x",
    "C0123456789ABCDEF01234567",
  ];

  it("answers 404 for any id this API could not have issued, and never passes it to the store", async () => {
    for (const id of hostile) {
      const request = (method: string, path = "") =>
        new HttpRequest({ method, url: `${base}/clusters/x${path}`, params: { id }, headers: keyed });
      expect((await getProvisioningStatus(request("GET"), durable.asClient())).status).toBe(404);
      expect((await deleteCluster(request("DELETE"), durable.asClient(), config)).status).toBe(404);
      expect((await cancelProvisioning(request("POST", "/cancel"), durable.asClient(), config)).status).toBe(404);
    }
    expect(durable.calls).toEqual([]);
  });
});

describe("DELETE and cancel", () => {
  it("answers 202 to concurrent DELETEs that race to start the same teardown", async () => {
    await post(overlay());
    succeed(overlay());
    const id = idOf(overlay());
    durable.raceOn = id;
    const request = new HttpRequest({
      method: "DELETE",
      url: `${base}/clusters/${id}`,
      params: { id },
      headers: keyed,
    });
    expect((await deleteCluster(request, durable.asClient(), config)).status).toBe(202);
  });

  /** The run's outcome published as custom status while it still sends its completion events. */
  function finishing(body: Record<string, any>) {
    const instance = durable.instances.get(idOf(body));
    if (instance === undefined) throw new Error("no run to finish");
    const progress = newProgress("provision", provisioningSteps);
    progress.outcome = "Succeeded";
    instance.runtimeStatus = "Running";
    instance.customStatus = progress;
    return { instance, progress };
  }
  const deleteOf = (id: string) =>
    new HttpRequest({ method: "DELETE", url: `${base}/clusters/${id}`, params: { id }, headers: keyed });

  it("answers 202 to a DELETE sent once the run reads Succeeded, after its completion events went out", async () => {
    await post(overlay());
    const id = idOf(overlay());
    const { instance, progress } = finishing(overlay());
    const read = await getProvisioningStatus(deleteOf(id), durable.asClient());
    expect(JSON.parse(read.body as string).status).toBe("Succeeded");
    setTimeout(() => {
      instance.runtimeStatus = "Completed";
      instance.output = progress;
    }, 300);
    const response = await deleteCluster(deleteOf(id), durable.asClient(), config);
    expect(response.status).toBe(202);
    expect(durable.instances.get(id)?.name).toBe("teardownCluster");
  });

  it("answers 503 with Retry-After, starting nothing, while a completion event is still retried", async () => {
    await post(overlay());
    const id = idOf(overlay());
    finishing(overlay());
    const response = await deleteCluster(deleteOf(id), durable.asClient(), config, 300);
    expect(response.status).toBe(503);
    expect((response.headers as Record<string, string>)["Retry-After"]).toBe("10");
    expect(problemOf(response).detail).toMatch(/still retrying the delivery/);
    expect(durable.instances.get(id)?.name).toBe("provisionCluster");
  });

  it("judges a POST sent as soon as the run reads Succeeded against the ended run: a change, not a conflict", async () => {
    await post(overlay());
    const { instance, progress } = finishing(overlay());
    setTimeout(() => {
      instance.runtimeStatus = "Completed";
      instance.output = progress;
    }, 300);
    const response = await post({ ...overlay(), tags: { team: "platform" } });
    expect(response.status, response.body as string).toBe(202);
    expect(JSON.parse(response.body as string).changes).toEqual(["tags"]);
  });

  it("answers 409, not 500, to a DELETE that loses the race to a POST starting a new run", async () => {
    await post(overlay());
    succeed(overlay());
    const id = idOf(overlay());
    durable.raceOn = id;
    durable.racer = { name: "provisionCluster", input: durable.instances.get(id)?.input };
    const response = await deleteCluster(deleteOf(id), durable.asClient(), config);
    expect(response.status).toBe(409);
    expect(problemOf(response).detail).toMatch(/still running/);
  });

  it("leaves no step running in a canceled run's status document", async () => {
    await post(overlay());
    const id = idOf(overlay());
    const progress = newProgress("provision", provisioningSteps);
    startStep(progress, "network", new Date(), null);
    startStep(progress, "identity", new Date(), null);
    const instance = durable.instances.get(id);
    if (instance === undefined) throw new Error("not started");
    instance.runtimeStatus = "Running";
    instance.customStatus = progress;
    const cancel = new HttpRequest({
      method: "POST",
      url: `${base}/clusters/${id}/cancel`,
      params: { id },
      headers: keyed,
    });
    expect((await cancelProvisioning(cancel, durable.asClient(), config)).status).toBe(202);
    const status = await getProvisioningStatus(
      new HttpRequest({ method: "GET", url: `${base}/clusters/${id}`, params: { id }, headers: keyed }),
      durable.asClient(),
    );
    const document = JSON.parse(status.body as string) as { status: string; steps: { name: string; status: string }[] };
    expect(document.status).toBe("Canceled");
    expect(document.steps.filter((step) => step.status === "running")).toEqual([]);
    expect(document.steps.find((step) => step.name === "network")?.status).toBe("canceled");
  });
});
