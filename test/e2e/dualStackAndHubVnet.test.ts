/**
 * Through the whole local stack: a dual-stack overlay cluster whose nodes and pods are verified in both families, and
 * a cluster in one subscription on a hub VNet that already exists in another — the VNet read and written there (never
 * looked up in the cluster's subscription), the role assignments on its subnets there, the cluster pointing at them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example } from "../fixtures/examples.js";
import { armToken, call } from "../azure-sim/seedCluster.js";
import { startTestStack, type TestStack } from "./harness.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

async function armGet(path: string, apiVersion: string): Promise<any> {
  const response = await call(stack.sim, await armToken(stack.sim), "GET", `${path}?api-version=${apiVersion}`);
  expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

describe("dual-stack overlay (docs/examples/overlay-dual-stack.json)", () => {
  it("builds a dual-stack VNet and cluster and verifies every address in both families", async () => {
    const body = example("overlay-dual-stack");
    // The source article's demo too: its pods are checked in both families, its IPv4 internal load balancer in the subnet.
    body.verify = { demoWorkload: true };
    const started = await stack.api("/api/clusters", { method: "POST", body });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const final = await stack.waitForFinal(started.body.id);
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.status).toBe("Succeeded");

    const verification = final.ipVerification;
    expect(verification.passed).toBe(true);
    expect(verification.nodes).toHaveLength(3);
    for (const node of verification.nodes) {
      expect(node).toMatchObject({ actual: "node-subnet", actualV6: "node-subnet", ok: true });
      expect(node.ip).toMatch(/^10\.70\.[0-3]\.\d+$/);
      expect(node.ipv6).toMatch(/^fd00:70::[0-9a-f]+$/);
    }
    const other = verification.pods.filter((pod: { hostNetwork: boolean }) => !pod.hostNetwork);
    const host = verification.pods.filter((pod: { hostNetwork: boolean }) => pod.hostNetwork);
    expect(other.length).toBeGreaterThan(0);
    expect(host.length).toBeGreaterThan(0);
    for (const pod of other) expect(pod).toMatchObject({ actual: "pod-cidr", actualV6: "pod-cidr", ok: true });
    for (const pod of host) expect(pod).toMatchObject({ actual: "node-subnet", actualV6: "node-subnet", ok: true });
    expect(final.steps.find((step: { name: string }) => step.name === "ipVerification").detail).toContain(
      "IPv4 and IPv6",
    );
    expect(final.steps.find((step: { name: string }) => step.name === "demoWorkload").status).toBe("succeeded");

    const rg = `/subscriptions/${body.subscriptionId}/resourceGroups/${body.resourceGroup}`;
    const subnet = await armGet(
      `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/snet-nodes`,
      "2026-01-01",
    );
    expect(subnet.properties.addressPrefixes).toEqual(["10.70.0.0/22", "fd00:70::/64"]);
    const cluster = await armGet(
      `${rg}/providers/Microsoft.ContainerService/managedClusters/${body.clusterName}`,
      "2026-10-01",
    );
    expect(cluster.properties.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      ipFamilies: ["IPv4", "IPv6"],
      podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
      serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
      loadBalancerSku: "standard",
    });
  });
});

describe("a VNet in another subscription", () => {
  const clusterSub = "11111111-2222-3333-4444-555555555555";
  const hubSub = "abcdef01-2345-4678-9abc-def012345678";
  const hubRg = `/subscriptions/${hubSub}/resourceGroups/rg-hub-network`;
  const hubVnet = `${hubRg}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;

  beforeAll(async () => {
    // The platform team's VNet exists before the request, in its own subscription.
    const token = await armToken(stack.sim);
    const group = await call(stack.sim, token, "PUT", `${hubRg}?api-version=2025-04-01`, { location: "eastus2" });
    expect(group.status).toBe(201);
    const vnet = await call(stack.sim, token, "PUT", `${hubVnet}?api-version=2026-01-01`, {
      location: "eastus2",
      properties: {
        addressSpace: { addressPrefixes: ["10.90.0.0/16"] },
        subnets: [{ name: "snet-shared", properties: { addressPrefix: "10.90.0.0/24" } }],
      },
    });
    expect(vnet.status).toBe(201);
  });

  it("uses the VNet where it lives: subnets, role assignments and the cluster body in its subscription", async () => {
    const body = example("overlay");
    body.subscriptionId = clusterSub;
    body.resourceGroup = "rg-aks-spoke";
    body.clusterName = "aks-spoke";
    body.network.vnet = { id: hubVnet };
    body.network.nodeSubnet = { name: "snet-aks-spoke", addressPrefix: "10.90.4.0/22" };
    const plan = await stack.api("/api/plans", { method: "POST", body });
    expect(plan.body.valid, JSON.stringify(plan.body.violations)).toBe(true);
    expect(plan.body.notYetProvisionable).toEqual([]);
    const logStart = stack.sim.control.requestLog().length;

    const started = await stack.api("/api/clusters", { method: "POST", body });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const final = await stack.waitForFinal(started.body.id);
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.status).toBe("Succeeded");
    expect(final.ipVerification.passed).toBe(true);

    const subnetId = `${hubVnet}/subnets/snet-aks-spoke`;
    expect(final.resources.vnetId.toLowerCase()).toBe(hubVnet.toLowerCase());
    expect(final.resources.nodeSubnetId.toLowerCase()).toBe(subnetId.toLowerCase());
    expect(final.roleChecks).toContainEqual(
      expect.objectContaining({ role: "Network Contributor", scope: final.resources.nodeSubnetId, present: true }),
    );

    // The subnet was created in the hub subscription, the shared one left alone.
    const hub = await armGet(hubVnet, "2026-01-01");
    expect(hub.properties.subnets.map((s: { name: string }) => s.name).sort()).toEqual([
      "snet-aks-spoke",
      "snet-shared",
    ]);
    // The role assignment lives on the hub subnet, with the role definition of the hub subscription.
    const assignments = await armGet(`${subnetId}/providers/Microsoft.Authorization/roleAssignments`, "2022-04-01");
    expect(assignments.value.map((a: any) => a.properties.roleDefinitionId)).toContain(
      `/subscriptions/${hubSub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
    );
    // The cluster, in its own subscription, points at the hub subnet.
    const cluster = await armGet(
      `/subscriptions/${clusterSub}/resourceGroups/rg-aks-spoke/providers/Microsoft.ContainerService/managedClusters/aks-spoke`,
      "2026-10-01",
    );
    expect(cluster.properties.agentPoolProfiles[0].vnetSubnetID.toLowerCase()).toBe(subnetId.toLowerCase());

    // Nothing about the VNet was ever asked of the cluster's subscription.
    const log = stack.sim.control.requestLog().slice(logStart);
    const vnetCalls = log.filter((entry) => /virtualNetworks\/vnet-hub/i.test(entry.path));
    expect(vnetCalls.length).toBeGreaterThan(0);
    expect(vnetCalls.every((entry) => entry.path.toLowerCase().startsWith(`/subscriptions/${hubSub}/`))).toBe(true);
  });
});
