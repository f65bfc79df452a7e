/**
 * The network, role-assignment and cluster-body activities for dual-stack and for a VNet in another subscription,
 * against the simulator through the real SDK clients: both families written as Azure takes them, and the VNet used
 * only in its own subscription.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorAppSettings, startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { managedClusterBody } from "../../src/activities/cluster.js";
import type { ClusterSpecInput, NetworkInput } from "../../src/activities/contracts.js";
import { ensureNetwork } from "../../src/activities/network.js";
import { checkRoleAssignments, ensureRoleAssignment } from "../../src/activities/roleAssignments.js";
import { createAzureClientFactory, type AzureClientFactory } from "../../src/azure/clients.js";
import { loadConfig } from "../../src/config.js";
import { builtInRoles } from "../../src/domain/names.js";
import { armToken, call } from "../azure-sim/seedCluster.js";

const sub = "11111111-2222-3333-4444-555555555555";
const hub = "99999999-8888-7777-6666-555555555555";
const hubVnetId = `/subscriptions/${hub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
let sim: AzureSimulator;
let clientsFor: AzureClientFactory;
const askedFor: string[] = [];

beforeAll(async () => {
  sim = await startAzureSimulator({ port: 0, timeScale: 0.002, emitRetryAfter: false, principalNotFoundWindowMs: 0 });
  const factory = createAzureClientFactory(loadConfig(simulatorAppSettings(sim)).azure);
  // Records which subscription each activity asked clients for.
  clientsFor = (subscriptionId) => {
    askedFor.push(subscriptionId);
    return factory(subscriptionId);
  };
  const token = await armToken(sim);
  for (const [path, apiVersion, body] of [
    [`/subscriptions/${sub}/resourceGroups/rg-spoke`, "2025-04-01", { location: "eastus2" }],
    [`/subscriptions/${hub}/resourceGroups/rg-hub`, "2025-04-01", { location: "eastus2" }],
    [
      hubVnetId,
      "2025-05-01",
      {
        location: "eastus2",
        properties: {
          addressSpace: { addressPrefixes: ["10.90.0.0/16"] },
          subnets: [{ name: "snet-shared", properties: { addressPrefix: "10.90.0.0/24" } }],
        },
      },
    ],
  ] as const) {
    const response = await call(sim, token, "PUT", `${path}?api-version=${apiVersion}`, body);
    expect(response.status).toBe(201);
  }
});

afterAll(async () => {
  await sim?.close();
});

const dualInput: NetworkInput = {
  subscriptionId: sub,
  location: "eastus2",
  vnet: {
    name: "vnet-dual",
    resourceGroup: "rg-spoke",
    addressPrefixes: ["10.70.0.0/16", "fd00:70::/48"],
    existing: false,
  },
  nodeSubnet: { name: "snet-nodes", addressPrefix: "10.70.0.0/22", ipv6AddressPrefix: "fd00:70::/64" },
  podSubnet: null,
  apiServerSubnet: null,
  tags: {},
};

describe("ensureNetwork, dual-stack", () => {
  it("creates the VNet with its IPv6 prefix and the subnet with both, then finds them", async () => {
    const first = await ensureNetwork(clientsFor)(dualInput);
    expect(first.created).toEqual(["VNet vnet-dual", "subnet snet-nodes"]);
    expect(first.addressPrefixes).toEqual(["10.70.0.0/16", "fd00:70::/48"]);
    const again = await ensureNetwork(clientsFor)(dualInput);
    expect(again.created).toEqual([]);
    const token = await armToken(sim);
    const subnet = await call(sim, token, "GET", `${first.nodeSubnetId}?api-version=2025-05-01`);
    expect(subnet.body.properties.addressPrefixes).toEqual(["10.70.0.0/22", "fd00:70::/64"]);
  });

  it("adds a missing dual-stack subnet to an existing VNet with both prefixes", async () => {
    const more = await ensureNetwork(clientsFor)({
      ...dualInput,
      nodeSubnet: { name: "snet-more", addressPrefix: "10.70.4.0/22", ipv6AddressPrefix: "fd00:70:0:1::/64" },
    });
    expect(more.created).toEqual(["subnet snet-more"]);
  });

  it("refuses an existing subnet whose IPv6 prefix differs from the request's", async () => {
    await expect(
      ensureNetwork(clientsFor)({
        ...dualInput,
        nodeSubnet: { ...dualInput.nodeSubnet, ipv6AddressPrefix: "fd00:70:0:9::/64" },
      }),
    ).rejects.toMatchObject({ code: "SubnetPrefixMismatch" });
  });
});

describe("a VNet in another subscription", () => {
  const hubInput: NetworkInput = {
    subscriptionId: sub,
    location: "eastus2",
    vnet: { name: "vnet-hub", resourceGroup: "rg-hub", addressPrefixes: [], existing: true, subscriptionId: hub },
    nodeSubnet: { name: "snet-spoke", addressPrefix: "10.90.4.0/22" },
    podSubnet: null,
    apiServerSubnet: null,
    tags: {},
  };

  it("is read and written in its own subscription only", async () => {
    askedFor.length = 0;
    const result = await ensureNetwork(clientsFor)(hubInput);
    expect(askedFor).toEqual([hub]);
    expect(result.created).toEqual(["subnet snet-spoke"]);
    expect(result.nodeSubnetId).toBe(`${hubVnetId}/subnets/snet-spoke`);
    expect(result.addressPrefixes).toEqual(["10.90.0.0/16"]);
  });

  it("would not be found in the cluster's subscription (what the request's subscription id alone gives)", async () => {
    const { subscriptionId: _hub, ...elsewhere } = hubInput.vnet;
    await expect(ensureNetwork(clientsFor)({ ...hubInput, vnet: elsewhere })).rejects.toMatchObject({
      code: "VirtualNetworkNotFound",
    });
  });

  it("gets Network Contributor on its subnet there, with that subscription's role definition, and checks it there", async () => {
    const identity = await call(
      sim,
      await armToken(sim),
      "PUT",
      `/subscriptions/${sub}/resourceGroups/rg-spoke/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-spoke?api-version=2024-11-30`,
      { location: "eastus2" },
    );
    const principalId = String(identity.body.properties.principalId);
    const scope = `${hubVnetId}/subnets/snet-spoke`;
    askedFor.length = 0;
    const assignment = await ensureRoleAssignment(clientsFor)({
      subscriptionId: sub,
      scope,
      principalId,
      roleDefinitionGuid: builtInRoles.networkContributor,
    });
    expect(askedFor).toEqual([hub]);
    const read = await call(sim, await armToken(sim), "GET", `${assignment.id}?api-version=2022-04-01`);
    expect(read.body.properties.roleDefinitionId).toBe(
      `/subscriptions/${hub}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles.networkContributor}`,
    );
    askedFor.length = 0;
    const checks = await checkRoleAssignments(clientsFor)({
      subscriptionId: sub,
      checks: [
        { role: "Network Contributor", roleDefinitionGuid: builtInRoles.networkContributor, scope, principalId },
        {
          role: "Contributor",
          roleDefinitionGuid: builtInRoles.contributor,
          scope: `/subscriptions/${sub}/resourceGroups/rg-spoke`,
          principalId,
        },
      ],
    });
    expect(checks.map((check) => check.present)).toEqual([true, false]);
    expect(askedFor).toEqual([hub, sub]);
  });
});

describe("managedClusterBody", () => {
  const spec: ClusterSpecInput = {
    subscriptionId: sub,
    resourceGroup: "rg-spoke",
    location: "eastus2",
    clusterName: "aks-dual",
    dnsPrefix: "aks-dual",
    kubernetesVersion: null,
    mode: "overlay",
    nodeSubnetId: `${hubVnetId}/subnets/snet-spoke`,
    podSubnetId: null,
    serviceCidr: "10.0.0.0/16",
    dnsServiceIp: "10.0.0.10",
    podCidr: "10.244.0.0/16",
    networkPolicy: "none",
    dataplane: "azure",
    podIpAllocation: "dynamic",
    nodePool: { name: "system", vmSize: "Standard_D2s_v5", count: 3, maxPods: 250, maxSurge: 1 },
    apiServer: { private: false, vnetIntegration: false, subnetId: null, authorizedIpRanges: [] },
    identityId: "identity-id",
    nodeResourceGroup: "MC_rg-spoke_aks-dual_eastus2",
    tags: {},
  };

  it("sends both families for dual-stack, with the Standard load balancer", () => {
    const body = managedClusterBody({
      ...spec,
      dualStack: {
        ipFamilies: ["IPv4", "IPv6"],
        podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
        serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
      },
    });
    expect(body.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      podCidr: "10.244.0.0/16",
      serviceCidr: "10.0.0.0/16",
      ipFamilies: ["IPv4", "IPv6"],
      podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
      serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
      loadBalancerSku: "standard",
    });
  });

  it("sends no family fields for a single-stack cluster, and the subnet id where the VNet lives", () => {
    const body = managedClusterBody(spec);
    expect(body.networkProfile).not.toHaveProperty("ipFamilies");
    expect(body.networkProfile).not.toHaveProperty("podCidrs");
    expect(body.agentPoolProfiles?.[0]?.vnetSubnetID).toBe(`${hubVnetId}/subnets/snet-spoke`);
  });
});
