/**
 * The portal and pipeline contract through the real local stack (local host + simulator + Azurite tables): completion
 * events to a loopback receiver that checks the signature, ETags and If-Match, idempotency keys, Easy Auth callers
 * (local/easyAuthFront.ts mounted in the local host, as `npm start` does), access policy and the run index.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEasyAuthFront, type TestPrincipal } from "../../local/easyAuthFront.js";
import { startAzurite, type Azurite } from "../../local/host/azurite.js";
import { verifySignature } from "../../src/events/signature.js";
import { requestFor, startTestStack, subscriptionId, type TestStack } from "./harness.js";

const secret = "s3cr3t-notify-key-0123456789";
const front = createEasyAuthFront();
const alice: TestPrincipal = { name: "alice@contoso.example", objectId: "0000-a", roles: ["Aks.TeamA"] };
const bob: TestPrincipal = { name: "bob@contoso.example", objectId: "0000-b", roles: ["Aks.TeamB"] };
const policy = {
  grants: [
    { roles: ["Aks.TeamA"], subscriptions: [subscriptionId], resourceGroups: ["rg-team-a-*"] },
    { roles: ["Aks.TeamB"], subscriptions: ["*"], resourceGroups: ["rg-team-b-*"] },
  ],
};

interface Received {
  headers: IncomingMessage["headers"];
  raw: string;
  event: { id: string; type: string; subject: string; specversion: string; data: Record<string, unknown> };
}
const received: Received[] = [];
/** Answers per path: a list of statuses to give in turn (the last one repeats). */
const script = new Map<string, number[]>();
const statusWhileDelivering = new Map<string, Record<string, unknown>>();

let azurite: Azurite;
let stack: TestStack;
let receiver: Server;
let receiverUrl: string;
let apiUrl: string;
const logLines: string[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const original = console.log.bind(console);
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(" "));
    if (process.env.PORTAL_TEST_VERBOSE === "1") original(...args);
  });
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const path = request.url ?? "/";
        const statuses = script.get(path) ?? [200];
        const status = statuses.length > 1 ? (statuses.shift() ?? 200) : (statuses[0] ?? 200);
        const event = JSON.parse(raw) as Received["event"];
        if (event.type === "aks.provisioning.succeeded" && path === "/hooks/a") {
          // Read the status while the run is still waiting on this very delivery.
          const seen = await fetch(`${stack.host.baseUrl}/api/clusters/${event.subject}`, {
            headers: { "x-api-key": stack.apiKey },
          });
          statusWhileDelivering.set(event.subject, (await seen.json()) as Record<string, unknown>);
        }
        if (status === 200) received.push({ headers: request.headers, raw, event });
        response.writeHead(status).end();
      })();
    });
  });
  receiverUrl = await listen(receiver);
  azurite = await startAzurite();
  stack = await startTestStack(
    {},
    {
      AzureWebJobsStorage: azurite.connectionString,
      NOTIFY_ALLOW_LOOPBACK: "true",
      EASY_AUTH_ENABLED: "true",
      ACCESS_POLICY: JSON.stringify(policy),
    },
    { kind: "azure-tables", connectionString: azurite.connectionString },
    { easyAuth: front },
  );
  // Requests go straight to the host, which plays Easy Auth in front of the app as `npm start` does.
  apiUrl = stack.host.baseUrl;
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await azurite?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  vi.restoreAllMocks();
});

async function call(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; as?: TestPrincipal | null } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  // A person's call carries their principal alone; a call without one is the pipeline's, with its key.
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.as !== undefined && init.as !== null) headers.authorization = `Bearer ${front.sign(init.as)}`;
  else headers["x-api-key"] = stack.apiKey;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const eventsFor = (id: string, type: string) => received.filter((r) => r.event.subject === id && r.event.type === type);

describe("a signed-in caller provisions, is told when it ends, and deletes with If-Match", () => {
  it("runs the whole contract", async () => {
    const body = {
      ...requestFor("overlay", "aks-portal-a"),
      resourceGroup: "rg-team-a-portal",
      notify: { url: `${receiverUrl}/hooks/a`, secret, steps: true },
    };
    const key = { "Idempotency-Key": "portal-run-1" };
    const started = await call("/api/clusters", { method: "POST", body, headers: key, as: alice });
    expect(started.status, started.text).toBe(202);
    expect(started.headers.get("operation-location")).toBe(started.body.statusUrl);
    expect(started.headers.get("location")).toBe(started.body.statusUrl);
    const id = started.body.id as string;

    const replay = await call("/api/clusters", { method: "POST", body, headers: key, as: alice });
    expect(replay.status).toBe(202);
    expect(replay.text).toBe(started.text);
    const reused = await call("/api/clusters", {
      method: "POST",
      body: { ...body, nodePool: { count: 4 } },
      headers: key,
      as: alice,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0]).toMatchObject({ path: "Idempotency-Key", code: "key-reused" });

    const final = await stack.waitForFinal(id);
    expect(final.status).toBe("Succeeded");
    expect(final.requestedBy).toBe(alice.name);
    expect(final.notify).toEqual({ url: `${receiverUrl}/hooks/a`, signed: true, steps: true });

    const succeeded = await waitFor("succeeded event", () => eventsFor(id, "aks.provisioning.succeeded")[0]);
    expect(verifySignature(succeeded.raw, secret, succeeded.headers["x-signature-256"] as string)).toBe(true);
    expect(
      verifySignature(succeeded.raw, "another-secret-0000000", succeeded.headers["x-signature-256"] as string),
    ).toBe(false);
    expect(succeeded.headers["content-type"]).toMatch(/^application\/cloudevents\+json/);
    expect(succeeded.event).toMatchObject({ specversion: "1.0", subject: id, datacontenttype: "application/json" });
    expect(succeeded.event.data).toMatchObject({ id, status: "Succeeded", requestedBy: alice.name });
    // A receiver that reads the status at once sees the outcome with its IP verification, not a half-finished run.
    expect(statusWhileDelivering.get(id)).toMatchObject({ status: "Succeeded", ipVerification: { passed: true } });
    expect(eventsFor(id, "aks.provisioning.step").length).toBeGreaterThan(3);
    for (const step of eventsFor(id, "aks.provisioning.step")) {
      expect(verifySignature(step.raw, secret, step.headers["x-signature-256"] as string)).toBe(true);
    }

    // ETag on status; If-None-Match answers 304 without a body. The run records its completion event's delivery after
    // the receiver took it, so the document is read once that has landed and nothing changes any more.
    const status = await waitFor("delivery recorded", async () => {
      const read = await call(`/api/clusters/${id}`, { as: alice });
      return read.body.deliveries?.some((d: { type: string }) => d.type === "aks.provisioning.succeeded") === true
        ? read
        : undefined;
    });
    const etag = status.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const unchanged = await call(`/api/clusters/${id}`, { headers: { "If-None-Match": etag ?? "" }, as: alice });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe("");

    // The index lists it with requestedBy, filtered on the server.
    const listed = await waitFor("index row", async () => {
      const page = await call(`/api/clusters?requestedBy=${encodeURIComponent(alice.name)}&status=Succeeded`, {
        as: alice,
      });
      return page.body.items?.some((item: { id: string }) => item.id === id) === true ? page : undefined;
    });
    expect(listed.headers.get("etag")).not.toBeNull();
    expect(listed.body.items.find((item: { id: string }) => item.id === id)).toMatchObject({ requestedBy: alice.name });
    const notBob = await call(`/api/clusters?requestedBy=${encodeURIComponent(bob.name)}`, { as: alice });
    expect(notBob.body.items.some((item: { id: string }) => item.id === id)).toBe(false);

    // Bob's roles do not cover rg-team-a-*: 403 naming the resource group.
    const denied = await call(`/api/clusters/${id}`, { method: "DELETE", as: bob });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0]).toMatchObject({ path: "resourceGroup", code: "not-authorized" });
    expect(denied.body.detail).toContain("rg-team-a-portal");
    // Nor does Bob see it listed (or read it); the pipeline key, scoped to every group, sees everything.
    const bobsList = await call(`/api/clusters?top=100`, { as: bob });
    expect(bobsList.status).toBe(200);
    expect(bobsList.body.items.some((item: { id: string }) => item.id === id)).toBe(false);
    expect((await call(`/api/clusters/${id}`, { as: bob })).status).toBe(403);
    const machineList = await call(`/api/clusters?top=100`);
    expect(machineList.body.items.some((item: { id: string }) => item.id === id)).toBe(true);

    // A stale view cannot delete: If-Match must be the current tag.
    const stale = await call(`/api/clusters/${id}`, {
      method: "DELETE",
      headers: { "If-Match": '"stale"' },
      as: alice,
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("content-type")).toMatch(/problem\+json/);
    const deleting = await call(`/api/clusters/${id}`, {
      method: "DELETE",
      headers: { "If-Match": etag ?? "" },
      as: alice,
    });
    expect(deleting.status, deleting.text).toBe(202);
    const gone = await stack.waitForFinal(id);
    expect(gone.status).toBe("Deleted");
    // One document, one read: the provisioning steps and the delete step together.
    expect(gone.steps.map((step: { name: string }) => step.name)).toContain("ipVerification");
    expect(gone.steps.at(-1)).toMatchObject({ name: "deleteCluster", status: "succeeded" });
    const deleted = await waitFor("deleted event", () => eventsFor(id, "aks.provisioning.deleted")[0]);
    expect(verifySignature(deleted.raw, secret, deleted.headers["x-signature-256"] as string)).toBe(true);
    await waitFor("index shows Deleted", async () => {
      const page = await call(`/api/clusters?status=Deleted`, { as: alice });
      return page.body.items?.some((item: { id: string }) => item.id === id) === true ? true : undefined;
    });

    // The secret is nowhere but the signature: not in the status document, the list, an event, or a log line.
    expect(JSON.stringify(gone)).not.toContain(secret);
    expect(received.some((r) => r.raw.includes(secret))).toBe(false);
    expect(logLines.some((line) => line.includes(secret))).toBe(false);
    const audits = logLines.filter((line) => line.includes('"audit":"aks-provisioning-api"')).map((l) => JSON.parse(l));
    expect(audits.filter((a) => a.clusterId === id).map((a) => a.action)).toEqual(
      expect.arrayContaining(["run.accepted", "run.running", "run.succeeded", "delete.requested", "delete.succeeded"]),
    );
    // In time order the run's entries tell its life in order, whichever process line came out first.
    const lifecycle = ["run.accepted", "run.running", "run.succeeded", "delete.requested", "delete.succeeded"];
    const inTimeOrder = audits
      .filter((a) => a.clusterId === id && lifecycle.includes(a.action))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || lifecycle.indexOf(a.action) - lifecycle.indexOf(b.action))
      .map((a) => a.action);
    expect(inTimeOrder.filter((action, i) => inTimeOrder.indexOf(action) === i)).toEqual(lifecycle);
    expect(audits.some((a) => a.clusterId === id && a.outcome === "denied" && a.who === bob.name)).toBe(true);
  }, 120_000);
});

describe("races on a finished run", () => {
  it("two DELETEs, or a DELETE and a POST, at once answer 202/409, never 500", async () => {
    for (const [round, second] of [
      [1, "DELETE"],
      [2, "POST"],
    ] as const) {
      const body = requestFor("overlay", `aks-race-${round}`);
      const started = await call("/api/clusters", { method: "POST", body });
      expect(started.status).toBe(202);
      const { id } = started.body;
      expect((await stack.waitForFinal(id)).status).toBe("Succeeded");
      // Finished for good: the orchestration has also returned (not only its document said Succeeded).
      await stack.host.whenIdle();
      const answers = await Promise.all([
        call(`/api/clusters/${id}`, { method: "DELETE" }),
        second === "DELETE"
          ? call(`/api/clusters/${id}`, { method: "DELETE" })
          : call("/api/clusters", { method: "POST", body }),
      ]);
      const statuses = answers.map((answer) => answer.status);
      expect(
        statuses.every((status) => status === 202 || status === 409),
        `${second}: ${statuses.join(", ")}`,
      ).toBe(true);
      expect(statuses, JSON.stringify(answers.map((answer) => answer.body))).toContain(202);
      for (const answer of answers)
        if (answer.status === 409) expect(answer.headers.get("content-type")).toMatch(/problem/);
      expect((await stack.waitForFinal(id)).status).toMatch(/^(Deleted|Succeeded)$/);
    }
  }, 120_000);
});

describe("refusals", () => {
  it("answers 400 invalid-token to continuation tokens the index did not issue, never 500", async () => {
    const wrap = (inner: string) => Buffer.from(JSON.stringify({ v: 1, t: inner })).toString("base64url");
    for (const token of [
      wrap("xyz"),
      wrap(Buffer.from(JSON.stringify({ nextPartitionKey: 1 })).toString("base64")),
      wrap(Buffer.from(JSON.stringify({ nextPartitionKey: "runs", extra: "x" })).toString("base64")),
      "garbage",
    ]) {
      const response = await call(`/api/clusters?continuationToken=${token}`);
      expect(response.status, token).toBe(400);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ path: "continuationToken", code: "invalid-token" }),
      ]);
    }
  });

  it("refuses a caller outside their scope with 403 naming what is missing, before anything starts", async () => {
    const body = { ...requestFor("overlay", "aks-portal-b"), resourceGroup: "rg-team-a-b" };
    const response = await call("/api/clusters", { method: "POST", body, as: bob });
    expect(response.status).toBe(403);
    expect(response.body.errors[0]).toMatchObject({ path: "resourceGroup", code: "not-authorized" });
    expect(response.body.detail).toContain("rg-team-a-b");
  });

  it("ignores a client's own x-ms-client-principal (the front drops it) and a bad token is a 401", async () => {
    const forged = await call("/api/clusters?top=1", { headers: { "x-ms-client-principal": "e30=" } });
    expect(forged.status).toBe(200);
    const bad = await call("/api/clusters?top=1", { headers: { authorization: "Bearer abc.def" } });
    expect(bad.status).toBe(401);
  });

  it("refuses notify URLs that are not https or point at metadata addresses, naming notify.url", async () => {
    for (const url of [
      "http://example.com/hook",
      "https://169.254.169.254/latest",
      "https://168.63.129.16/",
      "https://[fe80::1]/x",
      "https://metadata.google.internal/",
    ]) {
      const body = { ...requestFor("overlay", "aks-portal-c"), resourceGroup: "rg-team-a-c", notify: { url } };
      const response = await call("/api/clusters", { method: "POST", body, as: alice });
      expect(response.status, url).toBe(400);
      expect(response.body.errors[0].path).toBe("notify.url");
    }
  });
});

describe("delivery", () => {
  it("retries a 503 with backoff until the receiver takes it, gives up on a 410, and announces a cancel", async () => {
    script.set("/hooks/retry", [503, 503, 200]);
    const ok = {
      ...requestFor("node-subnet", "aks-portal-d"),
      resourceGroup: "rg-team-a-d",
      notify: { url: `${receiverUrl}/hooks/retry` },
    };
    const first = await call("/api/clusters", { method: "POST", body: ok, as: alice });
    expect(first.status, first.text).toBe(202);
    script.set("/hooks/gone", [410]);
    const goneBody = {
      ...requestFor("kubenet", "aks-portal-e"),
      resourceGroup: "rg-team-a-e",
      notify: { url: `${receiverUrl}/hooks/gone` },
    };
    const second = await call("/api/clusters", { method: "POST", body: goneBody, as: alice });
    expect(second.status).toBe(202);

    const delivered = await waitFor(
      "retried event",
      () => eventsFor(first.body.id, "aks.provisioning.succeeded")[0],
      90_000,
    );
    expect(delivered.headers["x-signature-256"]).toBeUndefined();
    const rejected = await waitFor(
      "gave up",
      async () => {
        const doc = await call(`/api/clusters/${second.body.id}`, { as: alice });
        return doc.body.deliveries?.length > 0 && doc.body.status === "Succeeded" ? doc.body : undefined;
      },
      90_000,
    );
    expect(rejected.deliveries[0]).toMatchObject({ target: "webhook", outcome: "rejected", httpStatus: 410 });

    const cancelBody = {
      ...requestFor("pod-subnet", "aks-portal-f"),
      resourceGroup: "rg-team-a-f",
      notify: { url: `${receiverUrl}/hooks/cancel`, secret },
    };
    const third = await call("/api/clusters", { method: "POST", body: cancelBody, as: alice });
    expect(third.status).toBe(202);
    const stale = await call(`/api/clusters/${third.body.id}/cancel`, {
      method: "POST",
      headers: { "If-Match": '"nope"' },
      as: alice,
    });
    expect(stale.status).toBe(412);
    const canceled = await call(`/api/clusters/${third.body.id}/cancel`, { method: "POST", as: alice });
    expect(canceled.status, canceled.text).toBe(202);
    const event = await waitFor("canceled event", () => eventsFor(third.body.id, "aks.provisioning.canceled")[0]);
    expect(verifySignature(event.raw, secret, event.headers["x-signature-256"] as string)).toBe(true);
    expect(event.event.id).toMatch(new RegExp(`^${third.body.id}\\.\\d+\\.canceled$`));
  }, 150_000);
});
