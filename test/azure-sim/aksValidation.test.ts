/**
 * What AKS refuses at the managedClusters PUT, one case per rule, each with its public source. The simulator must
 * answer a synchronous 400 (no cluster resource left behind) and accept the boundary cases next to each refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { armToken, call } from "./seedCluster.js";

const sub = "33333333-4444-5555-6666-777777777777";
const rg = `/subscriptions/${sub}/resourceGroups/rg-val`;
const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet`;
let sim: AzureSimulator;
let token: string;
let identity: { id: string; properties: { principalId: string } };

async function put(path: string, apiVersion: string, body: unknown) {
  return call(sim, token, "PUT", `${path}?api-version=${apiVersion}`, body);
}

beforeAll(async () => {
  sim = await startAzureSimulator({ timeScale: 0.001, emitRetryAfter: false, principalNotFoundWindowMs: 0 });
  token = await armToken(sim);
  await put(rg, "2025-04-01", { location: "eastus" });
  await put(vnet, "2025-05-01", {
    location: "eastus",
    properties: {
      addressSpace: { addressPrefixes: ["10.240.0.0/12"] },
      subnets: [
        { name: "nodes", properties: { addressPrefix: "10.243.0.0/16" } },
        { name: "pods", properties: { addressPrefix: "10.242.0.0/16" } },
        { name: "small", properties: { addressPrefix: "10.241.0.0/25" } },
        { name: "pods24", properties: { addressPrefix: "10.241.1.0/24" } },
      ],
    },
  });
  await put(`${rg}/providers/Microsoft.Network/virtualNetworks/other`, "2025-05-01", {
    location: "eastus",
    properties: {
      addressSpace: { addressPrefixes: ["10.100.0.0/16"] },
      subnets: [{ name: "pods", properties: { addressPrefix: "10.100.0.0/16" } }],
    },
  });
  identity = (
    await put(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`, "2024-11-30", {
      location: "eastus",
    })
  ).body;
  await put(
    `${rg}/providers/Microsoft.Authorization/roleAssignments/0b1c2d3e-0000-4000-8000-000000000001`,
    "2022-04-01",
    {
      properties: {
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
        principalId: identity.properties.principalId,
        principalType: "ServicePrincipal",
      },
    },
  );
}, 30_000);

afterAll(async () => {
  await sim?.close();
});

interface Case {
  name: string;
  source: string;
  pool?: Record<string, unknown>;
  network?: Record<string, unknown>;
  expect: { code: string; target?: string; message?: RegExp } | "accepted";
}

let counter = 0;

async function create(c: Case) {
  counter += 1;
  const name = `c${counter}`;
  const response = await put(`${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`, "2026-04-01", {
    location: "eastus",
    identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } },
    properties: {
      dnsPrefix: name,
      agentPoolProfiles: [
        { name: "system", count: 3, maxPods: 30, mode: "System", vnetSubnetID: `${vnet}/subnets/nodes`, ...c.pool },
      ],
      networkProfile: { networkPlugin: "azure", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10", ...c.network },
    },
  });
  const after = await call(
    sim,
    token,
    "GET",
    `${rg}/providers/Microsoft.ContainerService/managedClusters/${name}?api-version=2026-04-01`,
  );
  return { response, exists: after.status === 200 };
}

const cases: Case[] = [
  {
    name: "node-subnet /25 (123 usable), 3 × (30 + 1) = 93 fits",
    source: "Rancher#20784, terraform-provider-azurerm PR 5735: count × (maxPods + 1)",
    pool: { vnetSubnetID: `${vnet}/subnets/small` },
    expect: "accepted",
  },
  {
    name: "node-subnet /25, 4 × (30 + 1) = 124 does not",
    source: "Rancher#20784 (Status=400 … Target=agentPoolProfile.count)",
    pool: { count: 4, vnetSubnetID: `${vnet}/subnets/small` },
    expect: {
      code: "InsufficientSubnetSize",
      target: "agentPoolProfile.count",
      message: /^Pre-allocated IPs 124 exceeds IPs available 123 in Subnet Cidr 10\.241\.0\.0\/25, Subnet Name small\./,
    },
  },
  {
    name: "pod subnet /24 holds 15 nodes' 16-IP batches",
    source: "MicrosoftDocs/azure-docs#97370",
    pool: { count: 15, podSubnetID: `${vnet}/subnets/pods24` },
    expect: "accepted",
  },
  {
    name: "pod subnet /24 cannot hold 16 nodes",
    source: "MicrosoftDocs/azure-docs#97370",
    pool: { count: 16, podSubnetID: `${vnet}/subnets/pods24` },
    expect: { code: "InsufficientSubnetSize", target: "agentPoolProfile.podSubnetID" },
  },
  {
    name: "dnsServiceIP = network address",
    source: "Azure/AKS#2579 (fix released)",
    network: { dnsServiceIP: "10.0.0.0" },
    expect: { code: "InvalidDNSServiceIP", target: "networkProfile.dnsServiceIP" },
  },
  {
    name: "dnsServiceIP = first address (kubernetes service)",
    source: "AKS docs via MicrosoftDocs/azure-docs#53698",
    network: { dnsServiceIP: "10.0.0.1" },
    expect: { code: "InvalidDNSServiceIP" },
  },
  {
    name: "dnsServiceIP = broadcast address",
    source: "AKS docs (service range), audit §5.1",
    network: { dnsServiceIP: "10.0.255.255" },
    expect: { code: "InvalidDNSServiceIP" },
  },
  {
    name: "dnsServiceIP outside serviceCidr",
    source: "audit §5.1 (already real)",
    network: { dnsServiceIP: "10.1.0.10" },
    expect: { code: "DnsServiceIpOutOfServiceCidr" },
  },
  {
    name: "serviceCidr 169.254.0.0/16",
    source: "AKS docs reserved ranges (MicrosoftDocs/azure-docs PR #12084)",
    network: { serviceCidr: "169.254.0.0/16", dnsServiceIP: "169.254.0.10" },
    expect: { code: "InvalidServiceCidr", target: "networkProfile.serviceCIDR" },
  },
  {
    name: "serviceCidr 172.30.0.0/16",
    source: "AKS docs reserved ranges",
    network: { serviceCidr: "172.30.0.0/16", dnsServiceIP: "172.30.0.10" },
    expect: { code: "InvalidServiceCidr" },
  },
  {
    name: "maxPods 5",
    source: "AKS docs: maxPods 10–250",
    pool: { maxPods: 5 },
    expect: { code: "InvalidParameter", target: "agentPoolProfile.maxPods" },
  },
  {
    name: "maxPods 300",
    source: "AKS docs: maxPods 10–250",
    pool: { maxPods: 300 },
    expect: { code: "InvalidParameter", target: "agentPoolProfile.maxPods" },
  },
  {
    name: "count 0 on the system pool",
    source: "AKS API: system pools need ≥ 1 node",
    pool: { count: 0 },
    expect: { code: "InvalidParameter", target: "agentPoolProfile.count" },
  },
  {
    name: "kubenet with networkPolicy azure",
    source: "AKS docs: Azure Network Policy Manager needs Azure CNI",
    network: { networkPlugin: "kubenet", networkPolicy: "azure" },
    expect: { code: "InvalidParameter", target: "networkProfile.networkPolicy" },
  },
  {
    name: "pod subnet in another VNet",
    source: "AKS docs (dynamic IP allocation): pod subnet in the cluster VNet",
    pool: { podSubnetID: `${rg}/providers/Microsoft.Network/virtualNetworks/other/subnets/pods` },
    expect: { code: "InvalidParameter", target: "agentPoolProfile.podSubnetID" },
  },
  {
    name: "pod subnet = node subnet",
    source: "AKS docs (dynamic IP allocation): separate subnets",
    pool: { podSubnetID: `${vnet}/subnets/nodes` },
    expect: { code: "InvalidParameter", target: "agentPoolProfile.podSubnetID" },
  },
  {
    name: "kubenet pod CIDR /24 for 3 nodes",
    source: "Azure/AKS-Construction#701 (target networkProfile.podCIDR)",
    network: { networkPlugin: "kubenet", podCidr: "192.168.0.0/24" },
    expect: { code: "InsufficientSubnetSize", target: "networkProfile.podCIDR" },
  },
];

describe("AKS refuses invalid specs synchronously at the PUT", () => {
  it.each(cases)("$name ($source)", async (c) => {
    const { response, exists } = await create(c);
    if (c.expect === "accepted") {
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(exists).toBe(true);
      return;
    }
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(c.expect.code);
    if (c.expect.target !== undefined) expect(response.body.error.target).toBe(c.expect.target);
    if (c.expect.message !== undefined) expect(response.body.error.message).toMatch(c.expect.message);
    expect(exists).toBe(false);
  });

  it("does not delegate a subnet given as both node and pod subnet (no leak into later creates)", async () => {
    const subnet = await call(sim, token, "GET", `${vnet}/subnets/nodes?api-version=2025-05-01`);
    expect(subnet.body.properties.delegations).toEqual([]);
  });

  it("fills an empty kubernetesVersion with the default instead of echoing it", async () => {
    const response = await put(`${rg}/providers/Microsoft.ContainerService/managedClusters/versionless`, "2026-04-01", {
      location: "eastus",
      identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } },
      properties: {
        kubernetesVersion: "",
        dnsPrefix: "v",
        agentPoolProfiles: [{ name: "system", count: 1, mode: "System", vnetSubnetID: `${vnet}/subnets/nodes` }],
        networkProfile: { networkPlugin: "kubenet" },
      },
    });
    expect(response.status).toBe(201);
    expect(response.body.properties.currentKubernetesVersion).toMatch(/^1\.\d+\.\d+$/);
    // Source: recording_managedclusters_create_test.json response body.
    expect(response.body.properties.servicePrincipalProfile).toEqual({ clientId: "msi" });
    expect(response.body).toHaveProperty("eTag");
    expect(Object.keys(response.body.properties)).toEqual(
      expect.arrayContaining([
        "resourceUID",
        "supportPlan",
        "storageProfile",
        "oidcIssuerProfile",
        "securityProfile",
        "autoUpgradeProfile",
      ]),
    );
    expect(response.body.properties.agentPoolProfiles[0]).toMatchObject({
      osDiskSizeGB: 128,
      osDiskType: "Managed",
      kubeletDiskType: "OS",
      osSKU: "Ubuntu",
    });
  });

  it("updates a running cluster in place on a second PUT: 200 Updating, same FQDN and Kubernetes API, then Succeeded", async () => {
    const path = `${rg}/providers/Microsoft.ContainerService/managedClusters/versionless`;
    const credentials = async () =>
      (await call(sim, token, "POST", `${path}/listClusterAdminCredential?api-version=2026-04-01`)).body
        .kubeconfigs?.[0]?.value;
    let before: unknown;
    for (let i = 0; i < 100 && before === undefined; i += 1) {
      before = await credentials();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const first = (await call(sim, token, "GET", `${path}?api-version=2026-04-01`)).body;
    const again = await put(path, "2026-04-01", {
      location: "eastus",
      identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } },
      properties: {
        dnsPrefix: "v",
        agentPoolProfiles: [{ name: "system", count: 1, mode: "System", vnetSubnetID: `${vnet}/subnets/nodes` }],
        networkProfile: { networkPlugin: "kubenet" },
      },
    });
    expect(again.status).toBe(200);
    expect(again.body.properties).toMatchObject({
      provisioningState: "Updating",
      fqdn: first.properties.fqdn,
      resourceUID: first.properties.resourceUID,
    });
    expect(await credentials()).toBe(before);
    let state = "Updating";
    for (let i = 0; i < 100 && state === "Updating"; i += 1) {
      state = (await call(sim, token, "GET", `${path}?api-version=2026-04-01`)).body.properties.provisioningState;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(state).toBe("Succeeded");
  });

  it("lets a DELETE during the create win: no Kubernetes API is started for a cluster on its way out", async () => {
    sim.control.setConfig({ timeScale: 0.01 });
    try {
      const path = `${rg}/providers/Microsoft.ContainerService/managedClusters/short-lived`;
      const created = await put(path, "2026-04-01", {
        location: "eastus",
        identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } },
        properties: {
          dnsPrefix: "s",
          agentPoolProfiles: [{ name: "system", count: 1, mode: "System", vnetSubnetID: `${vnet}/subnets/nodes` }],
          networkProfile: { networkPlugin: "kubenet" },
        },
      });
      expect(created.status).toBe(201);
      // Late enough that the create (253 s simulated) is due before the delete (197 s) completes.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const deletion = await call(sim, token, "DELETE", `${path}?api-version=2026-04-01`);
      expect(deletion.status).toBe(202);
      const states = new Set<string>();
      for (let i = 0; i < 200; i += 1) {
        const current = await call(sim, token, "GET", `${path}?api-version=2026-04-01`);
        if (current.status === 404) break;
        states.add(current.body.properties.provisioningState);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect([...states]).toEqual(["Deleting"]);
      expect(await sim.control.kubeconfig("rg-val", "short-lived")).toBeNull();
    } finally {
      sim.control.setConfig({ timeScale: 0.001 });
    }
  });

  it("refuses an Azure CNI cluster whose identity may not join the subnet with ARM's 403 LinkedAuthorizationFailed", async () => {
    // Shape and wording: Azure/aad-pod-identity#511 and #550 (StatusCode=403, "… with object id … or the linked scope(s) are invalid.").
    const bare = (
      await put(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bare`, "2024-11-30", {
        location: "eastus",
      })
    ).body;
    const response = await put(`${rg}/providers/Microsoft.ContainerService/managedClusters/no-join`, "2026-04-01", {
      location: "eastus",
      identity: { type: "UserAssigned", userAssignedIdentities: { [bare.id]: {} } },
      properties: {
        dnsPrefix: "nj",
        agentPoolProfiles: [
          { name: "system", count: 1, maxPods: 30, mode: "System", vnetSubnetID: `${vnet}/subnets/nodes` },
        ],
        networkProfile: { networkPlugin: "azure", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" },
      },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("LinkedAuthorizationFailed");
    expect(response.body.error.message).toMatch(
      new RegExp(
        `^The client '${bare.properties.principalId}' with object id '${bare.properties.principalId}' has permission to perform action 'Microsoft\\.Compute/virtualMachineScaleSets/write' on scope '.+'; however, it does not have permission to perform action\\(s\\) 'Microsoft\\.Network/virtualNetworks/subnets/join/action' on the linked scope\\(s\\) '.+/subnets/nodes' or the linked scope\\(s\\) are invalid\\.$`,
      ),
    );
  });
});
