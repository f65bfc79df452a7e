/**
 * A managed-cluster PUT in the shape of the spec's ManagedClustersCreate_Update example (no vnetSubnetID, autoscaler,
 * Linux and Windows profiles, load balancer outbound settings, cluster upgrade settings): AKS builds its own VNet,
 * echoes the profiles with its defaults (never the Windows password), answers systemData and the stable shape of
 * storageProfile, and refuses a disk encryption set that does not exist, leaving nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { armToken, call } from "./seedCluster.js";

const sub = "33333333-4444-5555-6666-777777777778";
const rg = `/subscriptions/${sub}/resourceGroups/rg-echo`;
const apiVersion = "2026-10-01";
let sim: AzureSimulator;
let token: string;
let identityId: string;

const clusterPath = (name: string) => `${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
const put = (path: string, version: string, body: unknown) =>
  call(sim, token, "PUT", `${path}?api-version=${version}`, body);

function exampleBody(extra: Record<string, unknown> = {}) {
  return {
    location: "eastus",
    identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } },
    properties: {
      kubernetesVersion: "",
      dnsPrefix: "dnsprefix1",
      agentPoolProfiles: [
        {
          name: "nodepool1",
          count: 3,
          vmSize: "Standard_DS2_v2",
          osType: "Linux",
          type: "VirtualMachineScaleSets",
          enableNodePublicIP: true,
          mode: "System",
          enableAutoScaling: true,
          minCount: 1,
          maxCount: 5,
        },
      ],
      linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: "ssh-rsa AAAAB3Nza keydata" }] } },
      networkProfile: {
        loadBalancerSku: "standard",
        outboundType: "loadBalancer",
        loadBalancerProfile: { managedOutboundIPs: { count: 2 } },
      },
      autoScalerProfile: { "scan-interval": "20s", "scale-down-delay-after-add": "15m" },
      windowsProfile: { adminUsername: "azureuser", adminPassword: "replacePassword1234$" },
      upgradeSettings: { overrideSettings: { forceUpgrade: false, until: "2026-12-31T00:00:00Z" } },
      ...extra,
    },
  };
}

beforeAll(async () => {
  sim = await startAzureSimulator({ timeScale: 0.001, emitRetryAfter: false, principalNotFoundWindowMs: 0 });
  token = await armToken(sim);
  await put(rg, "2025-04-01", { location: "eastus" });
  const identity = await put(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`, "2024-11-30", {
    location: "eastus",
  });
  identityId = identity.body.id;
}, 30_000);

afterAll(async () => {
  await sim?.close();
});

describe("a cluster PUT in the shape of ManagedClustersCreate_Update", () => {
  it("builds AKS's own VNet when no node subnet is given, and echoes what AKS echoes", async () => {
    const created = await put(clusterPath("echo1"), apiVersion, exampleBody());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const p = created.body.properties;
    expect(p.autoScalerProfile).toMatchObject({
      "scan-interval": "20s",
      "scale-down-delay-after-add": "15m",
      expander: "random",
      "skip-nodes-with-system-pods": "true",
    });
    expect(p.linuxProfile).toEqual(exampleBody().properties.linuxProfile);
    expect(p.windowsProfile).toEqual({ adminUsername: "azureuser", enableCSIProxy: true });
    expect(JSON.stringify(created.body)).not.toContain("replacePassword1234$");
    expect(p.upgradeSettings).toEqual(exampleBody().properties.upgradeSettings);
    const lb = p.networkProfile.loadBalancerProfile;
    expect(lb).toMatchObject({ managedOutboundIPs: { count: 2 }, allocatedOutboundPorts: 0, idleTimeoutInMinutes: 30 });
    expect(lb.effectiveOutboundIPs).toHaveLength(2);
    for (const ip of lb.effectiveOutboundIPs)
      expect(ip.id).toMatch(
        new RegExp(`/resourceGroups/${p.nodeResourceGroup}/providers/Microsoft.Network/publicIPAddresses/`),
      );
    expect(p.storageProfile.diskCSIDriver).toEqual({ enabled: true });
    expect(created.body.systemData).toMatchObject({ createdByType: "Application", lastModifiedByType: "Application" });
    expect(Date.parse(created.body.systemData.createdAt)).not.toBeNaN();

    const vnets = sim.control
      .inventory()
      .filter((resource) => resource.type === "Microsoft.Network/virtualNetworks")
      .map((resource) => resource.id);
    expect(vnets).toEqual([
      expect.stringMatching(
        new RegExp(
          `/resourceGroups/${p.nodeResourceGroup}/providers/Microsoft.Network/virtualNetworks/aks-vnet-\\d{8}$`,
        ),
      ),
    ]);
    expect(p.agentPoolProfiles[0].vnetSubnetID).toBeUndefined();
  });

  it("keeps systemData's creation fields on an update and moves lastModifiedAt", async () => {
    let state = "";
    for (let attempt = 0; attempt < 100 && state !== "Succeeded"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await call(sim, token, "GET", `${clusterPath("echo1")}?api-version=${apiVersion}`)).body.properties
        .provisioningState;
    }
    const before = (await call(sim, token, "GET", `${clusterPath("echo1")}?api-version=${apiVersion}`)).body;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await put(clusterPath("echo1"), apiVersion, exampleBody());
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.systemData.createdAt).toBe(before.systemData.createdAt);
    expect(Date.parse(updated.body.systemData.lastModifiedAt)).toBeGreaterThan(Date.parse(before.systemData.createdAt));
  });

  it("answers agent pools with systemData: the cluster's for pools it made, their own once written alone", async () => {
    let state = "";
    for (let attempt = 0; attempt < 100 && state !== "Succeeded"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await call(sim, token, "GET", `${clusterPath("echo1")}?api-version=${apiVersion}`)).body.properties
        .provisioningState;
    }
    const cluster = (await call(sim, token, "GET", `${clusterPath("echo1")}?api-version=${apiVersion}`)).body;
    const pool = `${clusterPath("echo1")}/agentPools/nodepool1?api-version=${apiVersion}`;
    const made = (await call(sim, token, "GET", pool)).body;
    expect(made.systemData).toEqual(cluster.systemData);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const profile = { ...exampleBody().properties.agentPoolProfiles[0] } as Record<string, unknown>;
    delete profile.name;
    const written = await call(sim, token, "PUT", pool, { properties: profile });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(written.body.systemData.createdAt).toBe(cluster.systemData.createdAt);
    expect(Date.parse(written.body.systemData.lastModifiedAt)).toBeGreaterThan(
      Date.parse(cluster.systemData.lastModifiedAt),
    );
    expect((await call(sim, token, "GET", pool)).body.systemData).toEqual(written.body.systemData);
    const pools = `${clusterPath("echo1")}/agentPools?api-version=${apiVersion}`;
    const listed = (await call(sim, token, "GET", pools)).body;
    expect(listed.value[0].systemData).toEqual(written.body.systemData);
    const again = (await call(sim, token, "GET", `${clusterPath("echo1")}?api-version=${apiVersion}`)).body;
    expect(again.properties.agentPoolProfiles[0].systemData).toBeUndefined();
  });

  it("refuses a disk encryption set that does not exist, leaving no cluster and no VNet", async () => {
    const des = `/subscriptions/${sub}/resourceGroups/rg-echo/providers/Microsoft.Compute/diskEncryptionSets/nope`;
    const vnetsBefore = sim.control.inventory().filter((r) => r.type === "Microsoft.Network/virtualNetworks").length;
    const refused = await put(clusterPath("echo2"), apiVersion, exampleBody({ diskEncryptionSetID: des }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "InvalidParameter", target: "properties.diskEncryptionSetID" });
    expect((await call(sim, token, "GET", `${clusterPath("echo2")}?api-version=${apiVersion}`)).status).toBe(404);
    expect(sim.control.inventory().filter((r) => r.type === "Microsoft.Network/virtualNetworks")).toHaveLength(
      vnetsBefore,
    );
  });

  it("a cluster refused after its VNet was built leaves that VNet behind no more", async () => {
    const vnetsBefore = sim.control.inventory().filter((r) => r.type === "Microsoft.Network/virtualNetworks").length;
    const body = exampleBody();
    body.properties.agentPoolProfiles[0]!.count = 0;
    body.properties.agentPoolProfiles[0]!.enableAutoScaling = false;
    const refused = await put(clusterPath("echo3"), apiVersion, body);
    expect(refused.status).toBe(400);
    expect(sim.control.inventory().filter((r) => r.type === "Microsoft.Network/virtualNetworks")).toHaveLength(
      vnetsBefore,
    );
  });
});
