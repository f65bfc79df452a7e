/**
 * Two teams on one API: every subscription and resource group a request names — the cluster's, the VNet's (by id or
 * by group), a NAT gateway's or route table's id — must be inside the caller's grants and the subscription
 * allow-list, on POST, live plan, DELETE and cancel. The simulator's request log proves nothing was written in the
 * other team's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerKeyHash } from "../../src/identity/callerKeys.js";
import { createEasyAuthFront, type TestPrincipal } from "../../local/easyAuthFront.js";
import { requestFor, startTestStack, subscriptionId, type TestStack } from "./harness.js";

const otherSubscription = "22222222-3333-4444-5555-666666666666";
const front = createEasyAuthFront();
const alice: TestPrincipal = { name: "alice@contoso.example", roles: ["Aks.TeamA"] };
const bob: TestPrincipal = { name: "bob@contoso.example", roles: ["Aks.TeamB"] };
// A platform engineer whose grants reach every group of every subscription: the allow-list still binds her.
const platform: TestPrincipal = { name: "platform@contoso.example", roles: ["Aks.Platform"] };
const policy = {
  grants: [
    { roles: ["Aks.TeamA"], subscriptions: [subscriptionId], resourceGroups: ["rg-team-a-*"] },
    { roles: ["Aks.TeamB"], subscriptions: [subscriptionId], resourceGroups: ["rg-team-b-*"] },
    { roles: ["Aks.Platform"], subscriptions: ["*"], resourceGroups: ["*"] },
  ],
};

// A pipeline's key reaching Team A's groups only, and Team A's pipeline signed in as its own Entra app.
const pipelineKey = "pipeline-a-key-0123456789abcdef";
const callerKeys = {
  keys: [
    {
      id: "pipeline-a",
      sha256: callerKeyHash(pipelineKey),
      subscriptions: [subscriptionId],
      resourceGroups: ["rg-team-a-*"],
    },
  ],
};
const pipelineApp: TestPrincipal = {
  name: "pipeline",
  appId: "00000000-aaaa-4000-8000-000000000001",
  roles: ["Aks.TeamA"],
};

const network = (id: string) => `/subscriptions/${subscriptionId}/resourceGroups/rg-team-b-1/providers/${id}`;
const bobsVnet = network("Microsoft.Network/virtualNetworks/vnet-aks");

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack(
    {},
    {
      EASY_AUTH_ENABLED: "true",
      ACCESS_POLICY: JSON.stringify(policy),
      ALLOWED_SUBSCRIPTION_IDS: subscriptionId,
      CALLER_KEYS: JSON.stringify(callerKeys),
    },
    { kind: "memory" },
    { easyAuth: front },
  );
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

/** A call as a principal (its token alone, as a person's), with a caller key, or with no credential at all. */
async function call(
  path: string,
  as: TestPrincipal | { key: string } | null,
  init: { method?: string; body?: unknown } = {},
) {
  const credential: Record<string, string> =
    as === null ? {} : "key" in as ? { "x-api-key": as.key } : { authorization: `Bearer ${front.sign(as)}` };
  const response = await fetch(`${stack.host.baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...credential,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (text === "" ? null : JSON.parse(text)),
  };
}

async function finished(id: string, as: TestPrincipal | { key: string }): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const { body } = await call(`/api/clusters/${id}`, as);
    if (["Succeeded", "Failed", "Canceled", "Deleted"].includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`run ${id} did not finish`);
}

/** Alice's cluster in her own group, with one field pointing elsewhere. */
function alicesRequest(name: string, network: Record<string, unknown>): any {
  const base = requestFor("overlay", name);
  return { ...base, resourceGroup: "rg-team-a-1", network: { ...base.network, ...network } };
}

const writes = (log: { method: string; path: string }[], group: string) =>
  log.filter((entry) => entry.method !== "GET" && entry.method !== "HEAD" && entry.path.toLowerCase().includes(group));

describe("a request may touch only scopes the caller holds", () => {
  it("refuses every referenced-resource variant with 403 naming the field and scope, and writes nothing there", async () => {
    const bobs = await call("/api/clusters", bob, {
      method: "POST",
      body: { ...requestFor("overlay", "aks-b1"), resourceGroup: "rg-team-b-1" },
    });
    expect(bobs.status).toBe(202);
    expect((await finished(bobs.body.id, bob)).status).toBe("Succeeded");
    const before = stack.sim.control.requestLog().length;

    const variants: [string, any, string, string][] = [
      [
        "Bob's VNet by id",
        alicesRequest("aks-a-vnet-id", {
          vnet: { id: bobsVnet },
          nodeSubnet: { name: "snet-alice", addressPrefix: "10.20.1.0/24" },
        }),
        "network.vnet.id",
        "rg-team-b-1",
      ],
      [
        "a new VNet planted in Bob's group",
        alicesRequest("aks-a-vnet-rg", {
          vnet: { name: "vnet-planted", resourceGroup: "rg-team-b-1", addressPrefixes: ["10.20.0.0/16"] },
        }),
        "network.vnet.resourceGroup",
        "rg-team-b-1",
      ],
      [
        "Bob's NAT gateway by id",
        alicesRequest("aks-a-nat", {
          outbound: {
            type: "userAssignedNATGateway",
            natGateway: { id: network("Microsoft.Network/natGateways/ng-b") },
          },
        }),
        "network.outbound.natGateway.id",
        "rg-team-b-1",
      ],
      [
        "Bob's route table by id",
        alicesRequest("aks-a-udr", {
          outbound: {
            type: "userDefinedRouting",
            routeTable: { id: network("Microsoft.Network/routeTables/rt-b") },
            nextHopIp: "10.20.0.100",
          },
        }),
        "network.outbound.routeTable.id",
        "rg-team-b-1",
      ],
    ];
    for (const [what, body, path, group] of variants) {
      for (const route of ["/api/clusters", "/api/plans?live=true"]) {
        const refused = await call(route, alice, { method: "POST", body });
        expect(refused.status, `${what} → ${route}: ${JSON.stringify(refused.body)}`).toBe(403);
        expect(refused.body.errors).toEqual([
          expect.objectContaining({
            path,
            code: "not-authorized",
            scope: `/subscriptions/${subscriptionId}/resourceGroups/${group}`,
          }),
        ]);
        expect(refused.body.detail).toContain(group);
      }
    }
    // The same request in Alice's own group with every resource hers is fine (the refusals were about scope only).
    const own = await call("/api/plans?live=true", alice, {
      method: "POST",
      body: alicesRequest("aks-a-own", {}),
    });
    expect(own.status).toBe(200);

    const log = stack.sim.control.requestLog().slice(before);
    expect(writes(log, "rg-team-b-")).toEqual([]);
    expect(log.filter((entry) => entry.path.toLowerCase().includes("rg-team-b-"))).toEqual([]);
  }, 120_000);

  it("the allow-list covers a referenced VNet in another subscription, even for a caller granted everywhere", async () => {
    const before = stack.sim.control.requestLog().length;
    const elsewhere = `/subscriptions/${otherSubscription}/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/vnet-aks`;
    const body = {
      ...alicesRequest("aks-smuggled", {
        vnet: { id: elsewhere },
        nodeSubnet: { name: "snet-smuggled", addressPrefix: "10.20.1.0/24" },
      }),
    };
    for (const route of ["/api/clusters", "/api/plans?live=true"]) {
      const refused = await call(route, platform, { method: "POST", body });
      expect(refused.status).toBe(403);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ path: "network.vnet.id", code: "subscription-not-allowed" }),
      ]);
      expect(refused.body.detail).toContain(otherSubscription);
    }
    const log = stack.sim.control.requestLog().slice(before);
    expect(log.filter((entry) => entry.path.includes(otherSubscription))).toEqual([]);
  });

  it("DELETE and cancel of a run that reaches into Bob's group are refused to Alice", async () => {
    // The platform team builds a cluster in Alice's group on Bob's shared VNet; Alice alone may not tear it down.
    const shared = alicesRequest("aks-a-shared", {
      vnet: { id: bobsVnet },
      nodeSubnet: { name: "snet-shared", addressPrefix: "10.20.2.0/24" },
    });
    const started = await call("/api/clusters", platform, { method: "POST", body: shared });
    expect(started.status).toBe(202);
    const { id } = started.body;
    expect((await finished(id, platform)).status).toBe("Succeeded");
    const before = stack.sim.control.requestLog().length;
    for (const [method, path] of [
      ["DELETE", `/api/clusters/${id}`],
      ["DELETE", `/api/clusters/${id}?scope=resourceGroup`],
      ["POST", `/api/clusters/${id}/cancel`],
    ] as const) {
      const refused = await call(path, alice, { method });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ path: "network.vnet.id", code: "not-authorized" }),
      ]);
    }
    expect(stack.sim.control.requestLog().slice(before)).toEqual([]);
    // Nor may Alice read it: the run touches Bob's group.
    expect((await call(`/api/clusters/${id}`, alice)).status).toBe(403);
  }, 120_000);
});

describe("callers: a person needs no key, and no key reaches beyond its scope", () => {
  it("a request with no principal and no key is refused with 401 problem+json, on every route", async () => {
    for (const [method, path] of [
      ["GET", "/api/clusters"],
      ["GET", "/api/clusters/0123456789abcdef0123456789abcdef"],
      ["POST", "/api/clusters"],
      ["POST", "/api/plans?live=true"],
    ] as const) {
      const refused = await call(path, null, {
        method,
        ...(method === "POST" ? { body: alicesRequest("aks-x", {}) } : {}),
      });
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(refused.type).toMatch(/problem\+json/);
      expect(refused.body.detail).toMatch(/sign in .* or send a caller key in x-api-key/);
    }
    expect((await call("/api/clusters", { key: "not-a-key-we-know-0123456789" })).status).toBe(401);
  });

  it("a pipeline key acts in its own scope only, and its runs are recorded as the key's", async () => {
    const own = await call(
      "/api/plans?live=true",
      { key: pipelineKey },
      { method: "POST", body: alicesRequest("aks-p", {}) },
    );
    expect(own.status).toBe(200);
    const outside = { ...requestFor("overlay", "aks-p-b"), resourceGroup: "rg-team-b-9" };
    const refused = await call("/api/clusters", { key: pipelineKey }, { method: "POST", body: outside });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ path: "resourceGroup", code: "not-authorized" });
    expect(refused.body.detail).toContain("CALLER_KEYS");
    const smuggled = alicesRequest("aks-p-vnet", { vnet: { id: bobsVnet } });
    expect((await call("/api/clusters", { key: pipelineKey }, { method: "POST", body: smuggled })).status).toBe(403);
    // Bob's run is neither readable nor listed for the key.
    const bobs = await call("/api/clusters?top=100", bob);
    const bobsId = bobs.body.items.find((item: { resourceGroup: string }) => item.resourceGroup === "rg-team-b-1")?.id;
    expect(bobsId).toBeDefined();
    expect((await call(`/api/clusters/${bobsId}`, { key: pipelineKey })).status).toBe(403);
    const listed = await call("/api/clusters?top=100", { key: pipelineKey });
    expect(listed.body.items.some((item: { id: string }) => item.id === bobsId)).toBe(false);
    const started = await call(
      "/api/clusters",
      { key: pipelineKey },
      { method: "POST", body: alicesRequest("aks-p-run", {}) },
    );
    expect(started.status).toBe(202);
    const run = await finished(started.body.id, { key: pipelineKey });
    expect(run.requestedBy).toBe("key:pipeline-a");
  }, 120_000);

  it("an Entra app principal is bound by the grants of its app roles", async () => {
    const outside = { ...requestFor("overlay", "aks-app-b"), resourceGroup: "rg-team-b-8" };
    const refused = await call("/api/clusters", pipelineApp, { method: "POST", body: outside });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("app:00000000-aaaa-4000-8000-000000000001");
    const own = await call("/api/plans?live=true", pipelineApp, { method: "POST", body: alicesRequest("aks-app", {}) });
    expect(own.status).toBe(200);
  });
});
