/**
 * The portal contract at the handler level: ETags and If-Match, idempotency and repeatability keys, notify validation,
 * caller identity and access policy, and the index-backed list. Every bad input here answers a clear 4xx.
 */
import { HttpRequest } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { clientPrincipalHeader } from "../../local/easyAuthFront.js";
import { memoryTable } from "../../src/azure/tables.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { callerKeyHash } from "../../src/identity/callerKeys.js";
import { provisioningId } from "../../src/domain/names.js";
import { newProgress, provisioningSteps } from "../../src/domain/progress.js";
import { cancelProvisioning } from "../../src/http/cancelProvisioning.js";
import { deleteCluster } from "../../src/http/deleteCluster.js";
import { getProvisioningStatus } from "../../src/http/getProvisioningStatus.js";
import { listClusters } from "../../src/http/listClusters.js";
import { startProvisioning } from "../../src/http/startProvisioning.js";
import { NotifySecrets, RequestKeys, RunIndex, type HttpStores } from "../../src/http/stores.js";
import type { ProvisionInput } from "../../src/orchestrators/provisionCluster.js";
import { example } from "../fixtures/examples.js";
import { FakeDurableClient } from "./fakeDurableClient.js";

const base = "http://localhost:7071/api";
const policy = {
  grants: [{ roles: ["Aks.TeamA"], subscriptions: ["*"], resourceGroups: ["rg-a-*"] }],
};
// A pipeline key beside the people: calls without a principal carry it.
const apiKey = "portal-contract-key-0123456789";
const callerKeys = JSON.stringify({
  keys: [{ id: "pipeline", sha256: callerKeyHash(apiKey), subscriptions: ["*"], resourceGroups: ["*"] }],
});
const config = loadConfig({
  EASY_AUTH_ENABLED: "true",
  ACCESS_POLICY: JSON.stringify(policy),
  CALLER_KEYS: callerKeys,
});
const keyedUnlessSignedIn = (headers: Record<string, string>) =>
  "x-ms-client-principal" in headers ? headers : { "x-api-key": apiKey, ...headers };
const alice = clientPrincipalHeader({ name: "alice@contoso.example", roles: ["Aks.TeamA"] });
const mallory = clientPrincipalHeader({ name: "mallory@contoso.example", roles: ["Aks.Other"] });
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

const spec = (resourceGroup = "rg-a-one") => ({ ...example("overlay"), resourceGroup });
const idOf = (body: Record<string, any>) =>
  provisioningId(body.subscriptionId as string, body.resourceGroup as string, body.clusterName as string);
const json = (response: { body?: unknown }) => JSON.parse(response.body as string) as Record<string, any>;

function post(body: unknown, headers: Record<string, string> = {}, cfg = config) {
  return startProvisioning(
    new HttpRequest({
      method: "POST",
      url: `${base}/clusters`,
      body: { string: typeof body === "string" ? body : JSON.stringify(body) },
      headers: { "content-type": "application/json", ...keyedUnlessSignedIn(headers) },
    }),
    durable.asClient(),
    cfg,
    stores,
  );
}

const byId = (method: string, id: string, headers: Record<string, string> = {}, path = "") =>
  new HttpRequest({
    method,
    url: `${base}/clusters/${id}${path}`,
    params: { id },
    headers: keyedUnlessSignedIn(headers),
  });

function finish(id: string): void {
  const instance = durable.instances.get(id);
  if (instance === undefined) throw new Error("no run");
  const progress = newProgress("provision", provisioningSteps);
  progress.outcome = "Succeeded";
  instance.runtimeStatus = "Completed";
  instance.output = progress;
}

describe("notify", () => {
  it("is taken off the body before planning: the spec hash and the input's request do not see it", async () => {
    const plain = await post(spec());
    expect(plain.status).toBe(202);
    const withNotify = { ...spec(), notify: { url: "https://hooks.example.com/aks", secret: "0123456789abcdef0123" } };
    finish(idOf(spec()));
    const again = await post(withNotify);
    expect(again.status).toBe(202);
    const input = durable.instances.get(idOf(spec()))?.input as ProvisionInput;
    expect(input.request).not.toHaveProperty("notify");
    expect(input.meta?.events.webhook).toEqual({ url: "https://hooks.example.com/aks", signed: true, steps: false });
    expect(JSON.stringify(input)).not.toContain("0123456789abcdef0123");
    expect(await stores.secrets.get(idOf(spec()), input.meta?.secretRunKey ?? "")).toBe("0123456789abcdef0123");
  });

  it("answers 400 naming notify.url for non-https, loopback and link-local or metadata targets", async () => {
    for (const url of [
      "http://hooks.example.com/aks",
      "https://localhost/x",
      "https://127.0.0.1:8443/x",
      "http://[::1]/x",
      "https://169.254.169.254/metadata",
      "https://168.63.129.16/",
      "https://[fe80::1%25eth0]/",
      "https://[::ffff:169.254.1.1]/",
      "https://metadata.google.internal/",
      "https://user:pw@hooks.example.com/",
      "ftp://hooks.example.com/",
      "not a url",
    ]) {
      const response = await post({ ...spec(), notify: { url } });
      expect(response.status, url).toBe(400);
      expect(json(response).errors[0].path, url).toBe("notify.url");
    }
    expect(durable.calls.filter((call) => call.method === "startNew")).toEqual([]);
  });

  it("allows plain http to loopback only when NOTIFY_ALLOW_LOOPBACK is set", async () => {
    const local = loadConfig({ NOTIFY_ALLOW_LOOPBACK: "true", CALLER_KEYS: callerKeys });
    expect((await post({ ...spec(), notify: { url: "http://127.0.0.1:9999/hook" } }, {}, local)).status).toBe(202);
    const metadata = await post({ ...spec("rg-a-two"), notify: { url: "http://169.254.169.254/" } }, {}, local);
    expect(metadata.status).toBe(400);
  });

  it("refuses a short secret or an unknown field without echoing the secret", async () => {
    const response = await post({ ...spec(), notify: { url: "https://hooks.example.com/", secret: "short-secret" } });
    expect(response.status).toBe(400);
    expect(json(response).errors[0].path).toBe("notify.secret");
    expect(response.body).not.toContain("short-secret");
    const extra = await post({ ...spec(), notify: { url: "https://hooks.example.com/", sekret: "x" } });
    expect(extra.status).toBe(400);
  });
});

describe("idempotency and repeatability keys", () => {
  it("replays the first 202 for the same key and body without touching the store, 422 for another body", async () => {
    const first = await post(spec(), { "Idempotency-Key": '"k-1"' });
    expect(first.status).toBe(202);
    expect(first.headers).toMatchObject({
      "Operation-Location": json(first).statusUrl,
      Location: json(first).statusUrl,
    });
    const callsBefore = durable.calls.length;
    const replay = await post(spec(), { "Idempotency-Key": "k-1" });
    expect(replay.status).toBe(202);
    expect(replay.body).toBe(first.body);
    expect(durable.calls.length).toBe(callsBefore);
    const other = await post(spec("rg-a-two"), { "Idempotency-Key": "k-1" });
    expect(other.status).toBe(422);
    expect(json(other).errors[0]).toMatchObject({ path: "Idempotency-Key", code: "key-reused" });
  });

  it("scopes keys to the caller", async () => {
    expect((await post(spec(), { "Idempotency-Key": "shared", "x-ms-client-principal": alice })).status).toBe(202);
    const otherCaller = await post(spec("rg-a-two"), { "Idempotency-Key": "shared" });
    expect(otherCaller.status).toBe(202);
  });

  it("answers Repeatability-Result as the OASIS spec does", async () => {
    const sent = new Date().toUTCString();
    const headers = { "Repeatability-Request-ID": "r-1", "Repeatability-First-Sent": sent };
    const first = await post(spec(), headers);
    expect(first.status).toBe(202);
    expect(first.headers).toMatchObject({ "Repeatability-Result": "accepted" });
    const replay = await post(spec(), headers);
    expect(replay.body).toBe(first.body);
    expect(replay.headers).toMatchObject({ "Repeatability-Result": "accepted" });
    const other = await post(spec("rg-a-two"), headers);
    expect(other.status).toBe(422);
    expect(other.headers).toMatchObject({ "Repeatability-Result": "rejected" });
    const old = await post(spec(), {
      "Repeatability-Request-ID": "r-2",
      "Repeatability-First-Sent": new Date(Date.now() - 2 * 86_400_000).toUTCString(),
    });
    expect(old.status).toBe(400);
    expect(old.headers).toMatchObject({ "Repeatability-Result": "rejected" });
    const badDate = await post(spec(), { "Repeatability-Request-ID": "r-3", "Repeatability-First-Sent": "yesterday" });
    expect(badDate.status).toBe(400);
    expect(json(badDate).errors[0].path).toBe("Repeatability-First-Sent");
  });
});

describe("ETags and preconditions", () => {
  it("serves a strong ETag, 304 on If-None-Match, and refuses DELETE and cancel with a stale If-Match", async () => {
    await post(spec());
    const id = idOf(spec());
    const status = await getProvisioningStatus(byId("GET", id), durable.asClient());
    const etag = (status.headers as Record<string, string>).ETag ?? "";
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const again = await getProvisioningStatus(byId("GET", id, { "If-None-Match": etag }), durable.asClient());
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    const stale = await cancelProvisioning(
      byId("POST", id, { "If-Match": '"old"' }, "/cancel"),
      durable.asClient(),
      config,
    );
    expect(stale.status).toBe(412);
    expect(json(stale).errors[0]).toMatchObject({ path: "If-Match", code: "etag-mismatch" });
    expect(durable.calls.some((call) => call.method === "terminate")).toBe(false);
    finish(id);
    const done = await getProvisioningStatus(byId("GET", id), durable.asClient());
    const doneTag = (done.headers as Record<string, string>).ETag ?? "";
    expect(doneTag).not.toBe(etag);
    const staleDelete = await deleteCluster(byId("DELETE", id, { "If-Match": etag }), durable.asClient(), config);
    expect(staleDelete.status).toBe(412);
    const weak = await deleteCluster(byId("DELETE", id, { "If-Match": `W/${doneTag}` }), durable.asClient(), config);
    expect(weak.status).toBe(412);
    const current = await deleteCluster(byId("DELETE", id, { "If-Match": doneTag }), durable.asClient(), config);
    expect(current.status).toBe(202);
    expect(current.headers).toMatchObject({ "Operation-Location": `${base}/clusters/${id}` });
    // The teardown replaced the run under the same id and carries it: one read still shows everything.
    const teardown = durable.instances.get(id);
    expect(teardown?.name).toBe("teardownCluster");
    const document = json(await getProvisioningStatus(byId("GET", id), durable.asClient()));
    expect(document.status).toBe("Deleting");
    expect(document.steps.length).toBe(provisioningSteps.length);
    expect(document.request.resourceGroup).toBe("rg-a-one");
    expect(durable.calls.filter((call) => call.method === "getStatus" && call.id === id).length).toBeGreaterThan(0);
    expect(durable.calls.some((call) => call.id?.endsWith("-teardown"))).toBe(false);
  });
});

describe("status reads", () => {
  it("lets concurrent GETs of one run share one store read, and reads again once it settled", async () => {
    await post(spec());
    const id = idOf(spec());
    const reads = () => durable.calls.filter((call) => call.method === "getStatus" && call.id === id).length;
    const before = reads();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => getProvisioningStatus(byId("GET", id), durable.asClient())),
    );
    expect(reads() - before).toBe(1);
    expect(new Set(answers.map((answer) => (answer.headers as Record<string, string>).ETag)).size).toBe(1);
    expect(answers.every((answer) => answer.status === 200 && json(answer).id === id)).toBe(true);
    finish(id);
    const later = await getProvisioningStatus(byId("GET", id), durable.asClient());
    expect(reads() - before).toBe(2);
    expect(json(later).status).toBe("Succeeded");
  });
});

describe("caller identity", () => {
  it("records requestedBy from the principal, and refuses a caller outside their grants with 403", async () => {
    const accepted = await post(spec(), { "x-ms-client-principal": alice });
    expect(accepted.status).toBe(202);
    const input = durable.instances.get(idOf(spec()))?.input as ProvisionInput;
    expect(input.meta?.requestedBy).toBe("alice@contoso.example");
    const outside = await post(spec("rg-b-one"), { "x-ms-client-principal": alice });
    expect(outside.status).toBe(403);
    expect(json(outside).errors[0]).toMatchObject({ path: "resourceGroup", code: "not-authorized" });
    expect(json(outside).detail).toContain("rg-b-one");
    const noGrant = await post(spec(), { "x-ms-client-principal": mallory });
    expect(noGrant.status).toBe(403);
    expect(json(noGrant).detail).toContain("Aks.Other");
    const cancel = await cancelProvisioning(
      byId("POST", idOf(spec()), { "x-ms-client-principal": mallory }, "/cancel"),
      durable.asClient(),
      config,
    );
    expect(cancel.status).toBe(403);
    const read = await getProvisioningStatus(
      byId("GET", idOf(spec()), { "x-ms-client-principal": mallory }),
      durable.asClient(),
      config,
    );
    expect(read.status).toBe(403);
    const own = await getProvisioningStatus(
      byId("GET", idOf(spec()), { "x-ms-client-principal": alice }),
      durable.asClient(),
      config,
    );
    expect(own.status).toBe(200);
  });

  it("records a key caller as key:<id>, and ignores a principal header without Easy Auth", async () => {
    expect((await post(spec("rg-b-one"))).status).toBe(202);
    expect((durable.instances.get(idOf(spec("rg-b-one")))?.input as ProvisionInput).meta?.requestedBy).toBe(
      "key:pipeline",
    );
    // Without Easy Auth in front anyone could send the header: it is not read, and alone it identifies no one.
    const spoofable = loadConfig({ ACCESS_POLICY: JSON.stringify(policy), CALLER_KEYS: callerKeys });
    expect((await post(spec("rg-b-two"), { "x-ms-client-principal": mallory }, spoofable)).status).toBe(401);
    const keyed = { "x-ms-client-principal": mallory, "x-api-key": apiKey };
    expect((await post(spec("rg-b-two"), keyed, spoofable)).status).toBe(202);
    expect((durable.instances.get(idOf(spec("rg-b-two")))?.input as ProvisionInput).meta?.requestedBy).toBe(
      "key:pipeline",
    );
  });

  it("answers 401 for a principal header that is not base64 JSON", async () => {
    expect((await post(spec(), { "x-ms-client-principal": "%%%" })).status).toBe(401);
  });

  it("refuses a bad ACCESS_POLICY at startup, naming the problem", () => {
    expect(() => loadConfig({ ACCESS_POLICY: "{" })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ACCESS_POLICY: JSON.stringify({ grants: [{ subscriptions: ["*"], resourceGroups: ["*"] }] }) }),
    ).toThrow(/at least one role or group/);
    expect(() =>
      loadConfig({
        ACCESS_POLICY: JSON.stringify({ grants: [{ roles: ["r"], subscriptions: [], resourceGroups: ["*"] }] }),
      }),
    ).toThrow(/grants\.0\.subscriptions/);
  });
});

describe("GET /api/clusters from the index", () => {
  async function seed(count: number) {
    for (let i = 0; i < count; i += 1) {
      const at = new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
      await stores.index.record({
        id: `c${i.toString(16).padStart(24, "0")}`,
        status: i % 2 === 0 ? "Succeeded" : "Failed",
        subscriptionId: "11111111-2222-3333-4444-555555555555",
        resourceGroup: `rg-${i % 3}`,
        clusterName: `aks-${i}`,
        requestedBy: i % 4 === 0 ? "alice@contoso.example" : "function-key",
        createdAt: at,
        updatedAt: at,
      });
    }
  }
  const list = (query: string, headers: Record<string, string> = {}) =>
    listClusters(
      new HttpRequest({ method: "GET", url: `${base}/clusters${query}`, headers }),
      undefined,
      undefined,
      stores,
    );

  it("pages newest first with nextLink and continuationToken, filters on the server, never reads instances", async () => {
    await seed(25);
    const first = await list("?top=10&code=secretkey");
    const page = json(first);
    expect(page.items.map((item: { clusterName: string }) => item.clusterName).slice(0, 2)).toEqual([
      "aks-24",
      "aks-23",
    ]);
    expect(page.nextLink).toContain("continuationToken=");
    expect(page.nextLink).not.toContain("secretkey");
    const second = json(await list(`?top=10&continuationToken=${page.continuationToken as string}`));
    expect(second.items[0].clusterName).toBe("aks-14");
    const filtered = json(await list("?requestedBy=alice%40contoso.example&status=Succeeded&resourceGroup=RG-0"));
    expect(filtered.items.map((item: { clusterName: string }) => item.clusterName)).toEqual([
      "aks-24",
      "aks-12",
      "aks-0",
    ]);
    expect(filtered.nextLink).toBeUndefined();
    const etag = (first.headers as Record<string, string>).ETag ?? "";
    expect((await list("?top=10&code=secretkey", { "If-None-Match": etag })).status).toBe(304);
    expect(durable.calls).toEqual([]);
  });

  it("answers 400 for bad filters and tokens", async () => {
    for (const query of [
      "?top=0",
      "?top=abc",
      "?status=Done",
      "?subscriptionId=nope",
      "?continuationToken=%%%",
      "?continuationToken=MTA",
    ]) {
      expect((await list(query)).status, query).toBe(400);
    }
  });

  it("moves a cluster's row when it is provisioned again, instead of listing it twice", async () => {
    const summary = {
      id: "c000000000000000000000001",
      status: "Succeeded" as const,
      subscriptionId: "s",
      resourceGroup: "rg",
      clusterName: "aks",
      requestedBy: "function-key",
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-01T00:10:00.000Z",
    };
    await stores.index.record(summary);
    await stores.index.record({
      ...summary,
      status: "Running",
      createdAt: "2026-11-02T00:00:00.000Z",
      updatedAt: "2026-11-02T00:00:00.000Z",
    });
    // A late, older write never takes a row back in time.
    await stores.index.record({
      ...summary,
      status: "Pending",
      createdAt: "2026-11-02T00:00:00.000Z",
      updatedAt: "2026-11-01T23:00:00.000Z",
    });
    const page = json(await list(""));
    expect(page.items).toHaveLength(1);
    expect(page.items[0].status).toBe("Running");
  });
});

describe("OpenAPI", () => {
  it("describes events, headers, identity and the new query parameters", async () => {
    const { openApiDocument } = await import("../../src/http/openapi.js");
    const text = JSON.stringify(openApiDocument());
    for (const word of [
      "Idempotency-Key",
      "Repeatability-Request-ID",
      "Repeatability-Result",
      "Operation-Location",
      "If-Match",
      "If-None-Match",
      "ETag",
      "nextLink",
      "requestedBy",
      "subscriptionId",
      "resourceGroup",
      "x-ms-client-principal",
      "X-Signature-256",
      "aks.provisioning.deleted",
      '"412"',
      '"422"',
      '"304"',
    ]) {
      expect(text, word).toContain(word);
    }
  });
});
