/**
 * The live what-if's reads against the simulator through the real SDK clients: Microsoft.Compute usages in the shape
 * of the ComputeRP examples, rising with a simulated cluster's nodes; the caller's permissions (everything by default,
 * denied actions when configured) at resource-group and subscription scope; an existing VNet; retired features; a
 * transient fault retried; and only GET/HEAD requests on the wire.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulatorAppSettings, startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { createAzureClientFactory, type AzureClientFactory } from "../../src/azure/clients.js";
import { readLiveFacts, SubscriptionUnreachable } from "../../src/azure/liveReads.js";
import { loadConfig } from "../../src/config.js";
import { planCluster } from "../../src/domain/planner.js";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";
import { armToken, call, createSeed1, seed1 } from "./seedCluster.js";

let sim: AzureSimulator;
let clientsFor: AzureClientFactory;

beforeAll(async () => {
  sim = await startAzureSimulator({ timeScale: 0.001, emitRetryAfter: false, principalNotFoundWindowMs: 0 });
  clientsFor = createAzureClientFactory(loadConfig(simulatorAppSettings(sim)).azure);
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  sim.control.reset();
  sim.control.setConfig({
    computeQuotas: {},
    callerPermissions: [{ actions: ["*"], notActions: [] }],
    retiredFeatures: [],
  });
});

function request(patch: Record<string, unknown> = {}): ClusterRequest {
  const planned = planCluster({
    subscriptionId: sim.subscriptionId,
    resourceGroup: seed1.rg,
    location: seed1.location,
    clusterName: "aks-second",
    network: {
      mode: "overlay",
      vnet: {
        id: `/subscriptions/${sim.subscriptionId}/resourceGroups/${seed1.rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks`,
      },
      nodeSubnet: { name: "snet-second", addressPrefix: "10.241.0.0/24" },
    },
    nodePool: { vmSize: "Standard_D2s_v5", count: 3 },
    ...patch,
  });
  if (!planned.ok) throw new Error(JSON.stringify(planned.violations));
  return planned.request;
}

const usage = (facts: Awaited<ReturnType<typeof readLiveFacts>>, name: string) =>
  facts.usages.ok ? facts.usages.value.find((row) => row.name === name) : undefined;

describe("Microsoft.Compute usages", () => {
  it("answers the ComputeRP Usage_List shape, and usage rises with a cluster's nodes", async () => {
    const token = await armToken(sim);
    const path = `/subscriptions/${sim.subscriptionId}/providers/Microsoft.Compute/locations/eastus2/usages?api-version=2024-07-01`;
    const before = await call(sim, token, "GET", path);
    expect(before.status).toBe(200);
    expect(before.body.value).toContainEqual({
      unit: "Count",
      currentValue: 0,
      limit: 100,
      name: { value: "cores", localizedValue: "Total Regional vCPUs" },
    });
    await createSeed1(sim); // 3 × Standard_D2s_v5
    const after = await readLiveFacts(clientsFor, sim.armEndpoint, request());
    expect(usage(after, "standardDSv5Family")).toMatchObject({
      currentValue: 6,
      limit: 100,
      localizedName: "Standard DSv5 Family vCPUs",
    });
    expect(usage(after, "cores")).toMatchObject({ currentValue: 6 });
    const elsewhere = await call(sim, token, "GET", path.replace("eastus2", "westeurope"));
    expect(
      elsewhere.body.value.find((row: { name: { value: string } }) => row.name.value === "cores").currentValue,
    ).toBe(0);
  });

  it("limits come from the config", async () => {
    sim.control.setConfig({ computeQuotas: { standardDSv5Family: 8, standardNewFamily: 4 } });
    const facts = await readLiveFacts(clientsFor, sim.armEndpoint, request());
    expect(usage(facts, "standardDSv5Family")?.limit).toBe(8);
    expect(usage(facts, "standardNewFamily")?.limit).toBe(4);
  });
});

describe("reads of an existing world", () => {
  it("reads the VNet, the group, the provider, retired features and permissions — with GET and HEAD only", async () => {
    await createSeed1(sim);
    sim.control.setConfig({ retiredFeatures: ["Microsoft.ContainerService/PodSubnetPreview"] });
    const logged = sim.control.requestLog().length;
    const facts = await readLiveFacts(
      clientsFor,
      sim.armEndpoint,
      request({ features: ["Microsoft.ContainerService/PodSubnetPreview", "Microsoft.ContainerService/SomePreview"] }),
    );
    expect(facts.vnet).toMatchObject({
      ok: true,
      value: {
        addressPrefixes: ["10.240.0.0/12"],
        subnets: expect.arrayContaining([
          expect.objectContaining({ name: "snet-nodes", addressPrefixes: ["10.243.0.0/16"] }),
        ]),
      },
    });
    expect(facts.resourceGroupExists).toEqual({ ok: true, value: true });
    expect(facts.provider).toEqual({ ok: true, value: "NotRegistered" });
    expect(facts.features).toEqual([
      { feature: "Microsoft.ContainerService/PodSubnetPreview", state: { ok: true, value: "NotNeeded" } },
      { feature: "Microsoft.ContainerService/SomePreview", state: { ok: true, value: "NotRegistered" } },
    ]);
    // The cluster and its VNet share one group: one scope, read once.
    expect(facts.permissions).toEqual([
      {
        target: `${sim.subscriptionId}/${seed1.rg}`.toLowerCase(),
        scope: `/subscriptions/${sim.subscriptionId}/resourceGroups/${seed1.rg}`,
        read: { ok: true, value: [{ actions: ["*"], notActions: [] }] },
      },
    ]);
    const methods = new Set(
      sim.control
        .requestLog()
        .slice(logged)
        .filter((entry) => !entry.path.includes("oauth2"))
        .map((entry) => entry.method),
    );
    expect([...methods].sort()).toEqual(["GET", "HEAD"]);
  });

  it("a group that does not exist yet: permissions at the subscription, denied actions as configured", async () => {
    sim.control.setConfig({ callerPermissions: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }] });
    const facts = await readLiveFacts(
      clientsFor,
      sim.armEndpoint,
      request({
        resourceGroup: "rg-new",
        network: {
          mode: "overlay",
          vnet: { name: "vnet-new", addressPrefixes: ["10.1.0.0/16"] },
          nodeSubnet: { name: "snet", addressPrefix: "10.1.0.0/24" },
        },
      }),
    );
    expect(facts.resourceGroupExists).toEqual({ ok: true, value: false });
    expect(facts.vnet).toEqual({ ok: true, value: null });
    expect(facts.permissions[0]).toEqual({
      target: `${sim.subscriptionId}/rg-new`.toLowerCase(),
      scope: `/subscriptions/${sim.subscriptionId}`,
      read: { ok: true, value: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }] },
    });
  });
});

describe("faults", () => {
  it("a transient fault on a read is retried by the SDK pipeline", async () => {
    sim.control.addFault({
      method: "GET",
      path: "/Microsoft.Compute/locations/[^/]+/usages$",
      status: 503,
      code: "ServiceUnavailable",
      count: 1,
      retryAfterSeconds: 0,
    });
    sim.control.addFault({
      method: "GET",
      path: "/Microsoft.Network/virtualNetworks/",
      status: 429,
      code: "TooManyRequests",
      count: 1,
      retryAfterSeconds: 0,
    });
    const started = Date.now();
    const facts = await readLiveFacts(clientsFor, sim.armEndpoint, request());
    expect(facts.usages.ok).toBe(true);
    expect(facts.vnet.ok).toBe(true);
    expect(sim.control.faults().map((fault) => fault.fired)).toEqual([1, 1]);
    console.info(`live reads with two transient faults: ${Date.now() - started} ms`);
  });

  it("an unknown subscription fails the whole read with ARM's code", async () => {
    const bad = "99999999-0000-0000-0000-000000000000";
    sim.control.addFault({
      path: `^/subscriptions/${bad}/`,
      status: 404,
      code: "SubscriptionNotFound",
      message: `The subscription '${bad}' could not be found.`,
    });
    const failure = await readLiveFacts(clientsFor, sim.armEndpoint, request({ subscriptionId: bad })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SubscriptionUnreachable);
    expect((failure as SubscriptionUnreachable).failure).toMatchObject({
      code: "SubscriptionNotFound",
      statusCode: 404,
    });
  });
});
