/**
 * Agent pools through the real SDK (the product's activities and a ContainerServiceClient) against the simulator: an
 * overlay cluster with its System pool, then a User pool on its own subnet through the agent-pool API, polled like
 * the cluster; AKS's refusals at the pool PUT; the pool's nodes in the cluster's Kubernetes API, seen by stock kubectl.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorAppSettings, startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import type {
  AgentPoolSpecInput,
  Activities,
  ActivityInput,
  ActivityName,
  ActivityOutput,
  ActivityResult,
  NetworkOutput,
} from "../../src/activities/contracts.js";
import { createActivities } from "../../src/activities/index.js";
import { createAzureClientFactory, type AzureClientFactory } from "../../src/azure/clients.js";
import { createCredential } from "../../src/azure/credential.js";
import { memoryTable } from "../../src/azure/tables.js";
import { loadConfig } from "../../src/config.js";
import { builtInRoles } from "../../src/domain/names.js";
import { NotifySecrets } from "../../src/store/notifySecrets.js";
import { RunIndex } from "../../src/store/runIndex.js";

const sub = "11111111-2222-3333-4444-555555555555";
const cluster = { subscriptionId: sub, resourceGroup: "rg-pools", clusterName: "aks-pools" };
let sim: AzureSimulator;
let activities: Activities;
let clientsFor: AzureClientFactory;
let network: NetworkOutput;

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function poolSpec(overrides: Partial<AgentPoolSpecInput["pool"]> = {}, subnet = "snet-apps"): AgentPoolSpecInput {
  return {
    ...cluster,
    mode: "overlay",
    podIpAllocation: "dynamic",
    kubernetesVersion: null,
    pool: {
      name: "apps",
      mode: "User",
      vmSize: "Standard_D8s_v5",
      count: 3,
      minCount: 3,
      maxCount: 20,
      maxPods: 110,
      maxSurge: 2,
      ...overrides,
    },
    nodeSubnetId: network.subnetIds?.[subnet] ?? "",
    podSubnetId: null,
    tags: { owner: "platform" },
  };
}

/** Begins the pool and polls it as the orchestrator does, on a (short) timer. */
async function ensurePool(spec: AgentPoolSpecInput) {
  const started = await value("beginCreateAgentPool", spec);
  let state = started.state;
  while (!["succeeded", "failed", "canceled", "notfound"].includes(state.provisioningState.toLowerCase())) {
    await sleep(50);
    state = await value("getAgentPoolState", {
      ...cluster,
      poolName: spec.pool.name,
      pollerState: started.pollerState,
    });
  }
  return { started, state };
}

beforeAll(async () => {
  sim = await startAzureSimulator({
    port: 0,
    timeScale: 0.002,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    podStartupMs: 50,
  });
  const config = loadConfig(simulatorAppSettings(sim));
  clientsFor = createAzureClientFactory(config.azure);
  activities = createActivities({
    clientsFor,
    events: {
      index: () => new RunIndex(memoryTable()),
      secrets: () => new NotifySecrets(memoryTable()),
      allowLoopback: true,
      eventGridTopicEndpoint: null,
      credential: () => createCredential(config.azure),
    },
  });
  await value("ensureResourceGroup", { ...cluster, location: "eastus2", tags: {} });
  network = await value("ensureNetwork", {
    subscriptionId: sub,
    location: "eastus2",
    vnet: { name: "vnet-aks", resourceGroup: "rg-pools", addressPrefixes: ["10.80.0.0/16"], existing: false },
    nodeSubnet: { name: "snet-system", addressPrefix: "10.80.0.0/24" },
    podSubnet: null,
    apiServerSubnet: null,
    poolSubnets: [
      { name: "snet-system", addressPrefix: "10.80.0.0/24" },
      { name: "snet-apps", addressPrefix: "10.80.4.0/22" },
      { name: "snet-tiny", addressPrefix: "10.80.1.0/29" },
    ],
    tags: {},
  });
  const identity = await value("ensureManagedIdentity", {
    subscriptionId: sub,
    resourceGroup: "rg-pools",
    location: "eastus2",
    name: "id-aks-pools",
    tags: {},
  });
  for (const scope of Object.values(network.subnetIds ?? {})) {
    await value("ensureRoleAssignment", {
      subscriptionId: sub,
      scope,
      principalId: identity.principalId,
      roleDefinitionGuid: builtInRoles.networkContributor,
    });
  }
  const started = await value("beginCreateCluster", {
    ...cluster,
    location: "eastus2",
    dnsPrefix: "aks-pools",
    kubernetesVersion: "1.33",
    mode: "overlay",
    nodeSubnetId: network.nodeSubnetId,
    podSubnetId: null,
    serviceCidr: "10.0.0.0/16",
    dnsServiceIp: "10.0.0.10",
    podCidr: "10.244.0.0/16",
    networkPolicy: "cilium",
    dataplane: "cilium",
    podIpAllocation: "dynamic",
    nodePool: { name: "system", vmSize: "Standard_D4s_v5", count: 3, maxPods: 250, maxSurge: 1 },
    apiServer: { private: false, vnetIntegration: false, subnetId: null, authorizedIpRanges: [] },
    identityId: identity.id,
    nodeResourceGroup: "MC_rg-pools_aks-pools_eastus2",
    tags: {},
  });
  let state = started.state;
  while (state.provisioningState !== "Succeeded") {
    await sleep(50);
    state = await value("getClusterState", { ...cluster, pollerState: started.pollerState });
    if (state.provisioningState === "Failed") throw new Error(JSON.stringify(state.error));
  }
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

describe("agent pools through the SDK", () => {
  it("ensures every pool's subnet in the VNet, idempotently", async () => {
    expect(Object.keys(network.subnetIds ?? {})).toEqual(["snet-system", "snet-apps", "snet-tiny"]);
    const again = await value("ensureNetwork", {
      subscriptionId: sub,
      location: "eastus2",
      vnet: { name: "vnet-aks", resourceGroup: "rg-pools", addressPrefixes: ["10.80.0.0/16"], existing: false },
      nodeSubnet: { name: "snet-system", addressPrefix: "10.80.0.0/24" },
      podSubnet: null,
      apiServerSubnet: null,
      poolSubnets: [{ name: "snet-apps", addressPrefix: "10.80.4.0/22" }],
      tags: {},
    });
    expect(again.created).toEqual([]);
    expect(again.subnetIds?.["snet-apps"]).toBe(network.subnetIds?.["snet-apps"]);
  });

  it("creates a User pool with the autoscaler through the long-running agent-pool PUT, then finds it unchanged", async () => {
    const { started, state } = await ensurePool(poolSpec());
    expect(started.action).toBe("created");
    expect(started.pollerState).not.toBeNull();
    expect(state).toMatchObject({ name: "apps", provisioningState: "Succeeded", count: 3, error: null });
    const { containerService } = clientsFor(sub);
    const pool = await containerService.agentPools.get("rg-pools", "aks-pools", "apps");
    expect(pool).toMatchObject({
      name: "apps",
      mode: "User",
      vmSize: "Standard_D8s_v5",
      enableAutoScaling: true,
      minCount: 3,
      maxCount: 20,
      count: 3,
      maxPods: 110,
      vnetSubnetID: network.subnetIds?.["snet-apps"],
      provisioningState: "Succeeded",
      upgradeSettings: { maxSurge: "2" },
    });
    const names: string[] = [];
    for await (const listed of containerService.agentPools.list("rg-pools", "aks-pools")) names.push(listed.name ?? "");
    expect(names).toEqual(["system", "apps"]);
    const again = await value("beginCreateAgentPool", poolSpec());
    expect(again.action).toBe("unchanged");
  });

  it("refuses to change what AKS cannot change on an existing pool", async () => {
    const result = await run("beginCreateAgentPool", poolSpec({ vmSize: "Standard_D16s_v5" }));
    expect(result).toMatchObject({ ok: false, error: { code: "AgentPoolSpecConflict" } });
  });

  it("puts the pool's nodes in its own subnet, labelled with the pool, and their pods in the pod CIDR", async () => {
    let observed = await value("observeClusterIps", cluster);
    for (let i = 0; i < 100 && observed.pods.some((pod) => pod.ip === null); i += 1) {
      await sleep(50);
      observed = await value("observeClusterIps", cluster);
    }
    const apps = observed.nodes.filter((node) => node.pool === "apps");
    expect(apps).toHaveLength(3);
    expect(apps.map((node) => node.internalIp)).toEqual(["10.80.4.4", "10.80.4.5", "10.80.4.6"]);
    expect(observed.nodes.filter((node) => node.pool === "system")).toHaveLength(3);
    const onApps = observed.pods.filter((pod) => apps.some((node) => node.name === pod.nodeName));
    expect(onApps.length).toBeGreaterThan(0);
    for (const pod of onApps.filter((p) => !p.hostNetwork)) expect(pod.ip).toMatch(/^10\.244\./);
  });

  it("shows the pool's nodes to kubectl get nodes -l agentpool=apps -o wide", async () => {
    const home = mkdtempSync(join(tmpdir(), "kubectl-pools-"));
    const credentials = await clientsFor(sub).containerService.managedClusters.listClusterAdminCredentials(
      "rg-pools",
      "aks-pools",
    );
    const kubeconfig = credentials.kubeconfigs?.[0]?.value;
    writeFileSync(join(home, "config"), Buffer.from(kubeconfig ?? new Uint8Array()));
    const { stdout } = await promisify(execFile)(
      process.env.KUBECTL ?? "kubectl",
      ["get", "nodes", "-l", "agentpool=apps", "-o", "wide"],
      { env: { ...process.env, HOME: home, KUBECONFIG: join(home, "config") }, timeout: 15_000 },
    );
    const lines = stdout.trimEnd().split("\n").slice(1);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatch(/^aks-apps-\d{8}-vmss\d{6}\s+Ready/);
      expect(line).toMatch(/10\.80\.4\.\d+/);
    }
  });

  it("refuses a pool whose subnet is too small with InsufficientSubnetSize, at the PUT", async () => {
    const result = await run("beginCreateAgentPool", poolSpec({ name: "tiny", count: 5, minCount: 5 }, "snet-tiny"));
    expect(result).toMatchObject({ ok: false, error: { code: "InsufficientSubnetSize" } });
    if (!result.ok) expect(result.error.message).toMatch(/Pre-allocated IPs 5 exceeds IPs available 3/);
  });

  it("refuses a pool on a subnet of another VNet, and a name AKS does not allow", async () => {
    const elsewhere = await value("ensureNetwork", {
      subscriptionId: sub,
      location: "eastus2",
      vnet: { name: "vnet-other", resourceGroup: "rg-pools", addressPrefixes: ["10.90.0.0/16"], existing: false },
      nodeSubnet: { name: "snet-other", addressPrefix: "10.90.0.0/24" },
      podSubnet: null,
      apiServerSubnet: null,
      tags: {},
    });
    const otherVnet = await run("beginCreateAgentPool", {
      ...poolSpec({ name: "other" }),
      nodeSubnetId: elsewhere.nodeSubnetId,
    });
    expect(otherVnet).toMatchObject({ ok: false, error: { code: "InvalidParameter" } });
    if (!otherVnet.ok) expect(otherVnet.error.message).toMatch(/same virtual network/);
    const badName = await run("beginCreateAgentPool", poolSpec({ name: "Apps-Pool" }));
    expect(badName).toMatchObject({ ok: false, error: { code: "InvalidParameter" } });
  });

  it("keeps the last System pool and deletes a User pool with its nodes", async () => {
    const { containerService } = clientsFor(sub);
    await expect(
      containerService.agentPools.delete("rg-pools", "aks-pools", "system").pollUntilDone(),
    ).rejects.toMatchObject({ code: "OperationNotAllowed" });
    await containerService.agentPools.delete("rg-pools", "aks-pools", "apps").pollUntilDone();
    // The nodes leave the cluster's API as the operation completes (the API is updated right after).
    let after = await value("observeClusterIps", cluster);
    for (let i = 0; i < 50 && after.nodes.some((node) => node.pool === "apps"); i += 1) {
      await sleep(20);
      after = await value("observeClusterIps", cluster);
    }
    expect(after.nodes.filter((node) => node.pool === "apps")).toEqual([]);
    const state = await value("getAgentPoolState", { ...cluster, poolName: "apps", pollerState: null });
    expect(state.provisioningState).toBe("NotFound");
  });
});
