/**
 * Activities against the Azure simulator through the real SDK clients and a real ClientSecretCredential: the ensure
 * operations are idempotent and report ARM's own error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorAppSettings, startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { createActivities } from "../../src/activities/index.js";
import { createCredential } from "../../src/azure/credential.js";
import { memoryTable } from "../../src/azure/tables.js";
import { NotifySecrets } from "../../src/store/notifySecrets.js";
import { RunIndex } from "../../src/store/runIndex.js";
import type {
  Activities,
  ActivityInput,
  ActivityName,
  ActivityOutput,
  ActivityResult,
} from "../../src/activities/contracts.js";
import { createAzureClientFactory } from "../../src/azure/clients.js";
import { loadConfig } from "../../src/config.js";
import { builtInRoles } from "../../src/domain/names.js";

const sub = "11111111-2222-3333-4444-555555555555";
let sim: AzureSimulator;
let activities: Activities;

async function run<N extends ActivityName>(
  name: N,
  input: ActivityInput<N>,
): Promise<ActivityResult<ActivityOutput<N>>> {
  const activity = activities[name] as (input: ActivityInput<N>) => Promise<ActivityResult<ActivityOutput<N>>>;
  return activity(input);
}

async function value<N extends ActivityName>(name: N, input: ActivityInput<N>): Promise<ActivityOutput<N>> {
  const result = await run(name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  sim = await startAzureSimulator({
    port: 0,
    timeScale: 0.002,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    featureRegistrationMs: 20,
  });
  const config = loadConfig(simulatorAppSettings(sim));
  activities = createActivities({
    clientsFor: createAzureClientFactory(config.azure),
    events: eventDependencies(config),
  });
});

function eventDependencies(config: ReturnType<typeof loadConfig>) {
  return {
    index: () => new RunIndex(memoryTable()),
    secrets: () => new NotifySecrets(memoryTable()),
    allowLoopback: true,
    eventGridTopicEndpoint: null,
    credential: () => createCredential(config.azure),
  };
}

afterAll(async () => {
  await sim?.close();
});

const rg = { subscriptionId: sub, resourceGroup: "rg-activities", location: "eastus2", tags: {} };
const networkInput = {
  subscriptionId: sub,
  location: "eastus2",
  vnet: { name: "vnet-a", resourceGroup: "rg-activities", addressPrefixes: ["10.240.0.0/12"], existing: false },
  nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/16" },
  podSubnet: { name: "snet-pods", addressPrefix: "10.242.0.0/16" },
  apiServerSubnet: null,
  tags: {},
};

describe("ensure activities against the simulator", () => {
  it("creates a resource group once and finds it the second time", async () => {
    expect(await value("ensureResourceGroup", rg)).toMatchObject({ created: true });
    const again = await value("ensureResourceGroup", rg);
    expect(again.created).toBe(false);
    expect(again.id).toMatch(/\/resourceGroups\/rg-activities$/i);
  });

  it("creates the VNet with both subnets, then adds only what is missing", async () => {
    const first = await value("ensureNetwork", networkInput);
    expect(first.created).toEqual(["VNet vnet-a", "subnet snet-nodes", "subnet snet-pods"]);
    expect(first.nodeSubnetId).toMatch(/subnets\/snet-nodes$/);
    const again = await value("ensureNetwork", networkInput);
    expect(again.created).toEqual([]);
    const extra = await value("ensureNetwork", {
      ...networkInput,
      podSubnet: { name: "snet-pods-2", addressPrefix: "10.244.0.0/16" },
    });
    expect(extra.created).toEqual(["subnet snet-pods-2"]);
  });

  it("refuses a subnet that exists with another prefix", async () => {
    const result = await run("ensureNetwork", {
      ...networkInput,
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/24" },
    });
    expect(result).toMatchObject({ ok: false, error: { code: "SubnetPrefixMismatch" } });
  });

  it("says VirtualNetworkNotFound for an existing-VNet request whose VNet is absent", async () => {
    const result = await run("ensureNetwork", {
      ...networkInput,
      vnet: { ...networkInput.vnet, name: "vnet-missing", existing: true },
    });
    expect(result).toMatchObject({ ok: false, error: { code: "VirtualNetworkNotFound" } });
  });

  it("creates the identity once with a stable principal id", async () => {
    const input = { subscriptionId: sub, resourceGroup: "rg-activities", location: "eastus2", name: "id-a", tags: {} };
    const first = await value("ensureManagedIdentity", input);
    const again = await value("ensureManagedIdentity", input);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, principalId: first.principalId });
  });

  it("assigns Network Contributor under a deterministic name, and a retry reuses it", async () => {
    const identity = await value("ensureManagedIdentity", {
      subscriptionId: sub,
      resourceGroup: "rg-activities",
      location: "eastus2",
      name: "id-a",
      tags: {},
    });
    const network = await value("ensureNetwork", networkInput);
    const input = {
      subscriptionId: sub,
      scope: network.nodeSubnetId,
      principalId: identity.principalId,
      roleDefinitionGuid: builtInRoles.networkContributor,
    };
    const first = await value("ensureRoleAssignment", input);
    const again = await value("ensureRoleAssignment", input);
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const checks = await value("checkRoleAssignments", {
      subscriptionId: sub,
      checks: [
        {
          role: "Network Contributor",
          roleDefinitionGuid: builtInRoles.networkContributor,
          scope: network.nodeSubnetId,
          principalId: identity.principalId,
        },
        {
          role: "Contributor",
          roleDefinitionGuid: builtInRoles.contributor,
          scope: network.nodeSubnetId,
          principalId: identity.principalId,
        },
      ],
    });
    expect(checks.map((check) => check.present)).toEqual([true, false]);
  });

  it("assigns a role to a brand-new identity during Entra replication, because it names the principal type", async () => {
    sim.control.setConfig({ principalNotFoundWindowMs: 60_000 });
    try {
      const identity = await value("ensureManagedIdentity", {
        subscriptionId: sub,
        resourceGroup: "rg-activities",
        location: "eastus2",
        name: "id-fresh",
        tags: {},
      });
      const network = await value("ensureNetwork", networkInput);
      const result = await run("ensureRoleAssignment", {
        subscriptionId: sub,
        scope: network.podSubnetId ?? "",
        principalId: identity.principalId,
        roleDefinitionGuid: builtInRoles.networkContributor,
      });
      // ARM answers PrincipalNotFound during replication only when principalType is left out (aka.ms/docs-principaltype).
      expect(result).toMatchObject({ ok: true, value: { created: true } });
    } finally {
      sim.control.setConfig({ principalNotFoundWindowMs: 0 });
    }
  });

  it("registers a preview feature and reports a retired one as not needed", async () => {
    const state = await value("ensureFeatureRegistered", {
      subscriptionId: sub,
      feature: "Microsoft.ContainerService/PodSubnetPreview",
    });
    expect(["Registering", "Registered"]).toContain(state.state);
    sim.control.setConfig({ retiredFeatures: ["Microsoft.ContainerService/RetiredPreview"] });
    const retired = await value("ensureFeatureRegistered", {
      subscriptionId: sub,
      feature: "Microsoft.ContainerService/RetiredPreview",
    });
    expect(retired.state).toBe("NotNeeded");
    const provider = await value("registerProvider", {
      subscriptionId: sub,
      namespace: "Microsoft.ContainerService",
    });
    expect(provider.registrationState).toMatch(/Regist/);
  });

  it("throws transient faults (for Durable to retry) with the ARM code, and returns permanent ones", async () => {
    sim.control.addFault({
      method: "PUT",
      path: "/resourcegroups/rg-throttled$",
      count: 10,
      status: 429,
      code: "SubscriptionRequestsThrottled",
    });
    try {
      await expect(run("ensureResourceGroup", { ...rg, resourceGroup: "rg-throttled" })).rejects.toThrow(
        /\[transient:SubscriptionRequestsThrottled\]/,
      );
    } finally {
      sim.control.clearFaults();
    }
    sim.control.addFault({
      method: "PUT",
      path: "/resourcegroups/rg-denied$",
      count: 1,
      status: 403,
      code: "AuthorizationFailed",
    });
    try {
      expect(await run("ensureResourceGroup", { ...rg, resourceGroup: "rg-denied" })).toMatchObject({
        ok: false,
        error: { code: "AuthorizationFailed" },
      });
    } finally {
      sim.control.clearFaults();
    }
  });
});

describe("transient faults outside ARM are retried like ARM's", () => {
  it("throws a token-endpoint outage as transient, with a readable message", async () => {
    // A fresh credential has no cached token, so every attempt goes to the (failing) token endpoint.
    const config = loadConfig(simulatorAppSettings(sim));
    const cold = createActivities({
      clientsFor: createAzureClientFactory(config.azure),
      events: eventDependencies(config),
    });
    sim.control.addFault({ method: "POST", path: "/oauth2/v2\\.0/token$", count: 1000, status: 500 });
    try {
      const error = await cold.ensureResourceGroup({ ...rg, resourceGroup: "rg-token-outage" }).then(
        (result) => result,
        (thrown: unknown) => thrown,
      );
      // Not a result value: thrown, so Durable retries it with backoff.
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toMatch(/^\[transient:[A-Za-z_]+\] /);
      expect(message).not.toContain("[object Object]");
      expect(message).not.toMatch(/\n\s+at /);
    } finally {
      sim.control.clearFaults();
    }
  });

  it("retries Kubernetes API throttling, 5xx and lost connections within the call, honouring Retry-After", async () => {
    await value("ensureResourceGroup", { ...rg, resourceGroup: "rg-k8s-retries" });
    const cluster = { subscriptionId: sub, resourceGroup: "rg-k8s-retries", clusterName: "aks-k8s-retries" };
    await provisionSmallCluster(cluster);
    await value("observeClusterIps", cluster);
    sim.control.addFault({ method: "GET", path: "/api/v1/nodes", count: 1, status: 429, retryAfterMs: 300 });
    sim.control.addFault({ method: "GET", path: "/api/v1/nodes", count: 1, status: 503 });
    sim.control.addFault({ method: "GET", path: "/api/v1/pods", count: 1, status: 0, reset: true });
    try {
      const started = Date.now();
      const observed = await value("observeClusterIps", cluster);
      expect(observed.nodes.length).toBeGreaterThan(0);
      expect(observed.pods.length).toBeGreaterThan(0);
      expect(sim.control.faults().map((fault) => fault.fired)).toEqual([1, 1, 1]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      sim.control.clearFaults();
    }
  });

  it("throws Kubernetes API throttling and 5xx that outlast the retries as transient", async () => {
    await value("ensureResourceGroup", { ...rg, resourceGroup: "rg-k8s-faults" });
    const cluster = { subscriptionId: sub, resourceGroup: "rg-k8s-faults", clusterName: "aks-k8s-faults" };
    await provisionSmallCluster(cluster);
    for (const status of [429, 503]) {
      sim.control.addFault({ method: "GET", path: "/api/v1/nodes", count: 10, status, retryAfterMs: 1 });
      try {
        await expect(run("observeClusterIps", cluster)).rejects.toThrow(/^\[transient:/);
        // The first try and three retries, then the activity gives the failure to the orchestration's retry policy.
        expect(sim.control.faults()[0]?.fired).toBe(4);
      } finally {
        sim.control.clearFaults();
      }
    }
    const observed = await value("observeClusterIps", cluster);
    expect(observed.nodes.length).toBeGreaterThan(0);
  });
});

/** A real cluster in the simulator, built with the activities themselves (overlay, 1 node). */
async function provisionSmallCluster(cluster: { subscriptionId: string; resourceGroup: string; clusterName: string }) {
  const network = await value("ensureNetwork", {
    ...networkInput,
    vnet: {
      name: "vnet-k8s",
      resourceGroup: cluster.resourceGroup,
      addressPrefixes: ["10.50.0.0/16"],
      existing: false,
    },
    nodeSubnet: { name: "snet-nodes", addressPrefix: "10.50.0.0/24" },
    podSubnet: null,
  });
  const identity = await value("ensureManagedIdentity", {
    subscriptionId: sub,
    resourceGroup: cluster.resourceGroup,
    location: "eastus2",
    name: "id-k8s-faults",
    tags: {},
  });
  await value("ensureRoleAssignment", {
    subscriptionId: sub,
    scope: network.nodeSubnetId,
    principalId: identity.principalId,
    roleDefinitionGuid: builtInRoles.networkContributor,
  });
  const started = await value("beginCreateCluster", {
    ...cluster,
    location: "eastus2",
    dnsPrefix: cluster.clusterName,
    kubernetesVersion: null,
    mode: "overlay",
    nodeSubnetId: network.nodeSubnetId,
    podSubnetId: null,
    serviceCidr: "10.0.0.0/16",
    dnsServiceIp: "10.0.0.10",
    podCidr: "192.168.0.0/16",
    networkPolicy: "none",
    dataplane: "azure",
    podIpAllocation: "dynamic",
    nodePool: { name: "system", vmSize: "Standard_D2s_v5", count: 1, maxPods: 30, maxSurge: 1 },
    apiServer: { private: false, vnetIntegration: false, subnetId: null, authorizedIpRanges: [] },
    identityId: identity.id,
    nodeResourceGroup: `MC_${cluster.resourceGroup}_${cluster.clusterName}_eastus2`,
    tags: {},
  });
  expect(started.action).toBe("created");
  const logBefore = sim.control.requestLog().length;
  for (let poll = 1; poll <= 200; poll += 1) {
    const state = await value("getClusterState", { ...cluster, pollerState: started.pollerState });
    // The cluster GET has a bucket per cluster; the subscription-wide operation-status bucket is read once, at the end.
    const statusGets = sim.control
      .requestLog()
      .slice(logBefore)
      .filter((entry) => entry.method === "GET" && /\/operations\//i.test(entry.path)).length;
    if (state.provisioningState === "Succeeded") {
      expect(poll).toBeGreaterThan(1);
      expect(statusGets).toBe(1);
      return;
    }
    expect(statusGets).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("cluster never reached Succeeded");
}
