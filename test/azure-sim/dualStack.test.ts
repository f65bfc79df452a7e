/**
 * Dual-stack and cross-subscription networking in the simulator: a VNet and subnet with IPv6 prefixes (subnet
 * `addressPrefixes`, as NRP takes them), AKS's dual-stack refusals at the PUT, a node subnet in another subscription,
 * and the per-cluster Kubernetes API giving nodes, pods and services an address per family — read by the real client
 * and by stock kubectl.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { armToken, call } from "./seedCluster.js";

const sub = "44444444-5555-6666-7777-888888888888";
const hubSub = "99999999-8888-7777-6666-555555555555";
const rg = `/subscriptions/${sub}/resourceGroups/rg-dual`;
const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet`;
const hubVnet = `/subscriptions/${hubSub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const networkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";
let sim: AzureSimulator;
let token: string;
let identity: { id: string; properties: { principalId: string } };

const put = (path: string, apiVersion: string, body: unknown) =>
  call(sim, token, "PUT", `${path}?api-version=${apiVersion}`, body);

async function grant(scope: string, scopeSub: string) {
  const response = await put(
    `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`,
    "2022-04-01",
    {
      properties: {
        roleDefinitionId: `/subscriptions/${scopeSub}/providers/Microsoft.Authorization/roleDefinitions/${networkContributor}`,
        principalId: identity.properties.principalId,
        principalType: "ServicePrincipal",
      },
    },
  );
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  sim = await startAzureSimulator({
    timeScale: 0.001,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    podStartupMs: 10,
  });
  token = await armToken(sim);
  await put(rg, "2025-04-01", { location: "eastus2" });
  const created = await put(vnet, "2025-05-01", {
    location: "eastus2",
    properties: {
      addressSpace: { addressPrefixes: ["10.70.0.0/16", "fd00:70::/48"] },
      subnets: [
        { name: "dual", properties: { addressPrefixes: ["10.70.0.0/22", "fd00:70::/64"] } },
        { name: "v4only", properties: { addressPrefix: "10.70.8.0/24" } },
      ],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  identity = (
    await put(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`, "2024-11-30", {
      location: "eastus2",
    })
  ).body;
  await grant(vnet, sub);
  // A hub VNet in another subscription, as a platform team shares one.
  await put(`/subscriptions/${hubSub}/resourceGroups/rg-hub`, "2025-04-01", { location: "eastus2" });
  const hub = await put(hubVnet, "2025-05-01", {
    location: "eastus2",
    properties: {
      addressSpace: { addressPrefixes: ["10.90.0.0/16"] },
      subnets: [
        { name: "granted", properties: { addressPrefix: "10.90.0.0/24" } },
        { name: "ungranted", properties: { addressPrefix: "10.90.1.0/24" } },
      ],
    },
  });
  expect(hub.status).toBe(201);
  await grant(`${hubVnet}/subnets/granted`, hubSub);
}, 30_000);

afterAll(async () => {
  await sim?.close();
});

describe("dual-stack VNets and subnets", () => {
  it("answers a dual-stack subnet with addressPrefixes only, and the VNet with both prefixes", async () => {
    const subnet = await call(sim, token, "GET", `${vnet}/subnets/dual?api-version=2025-05-01`);
    expect(subnet.body.properties.addressPrefixes).toEqual(["10.70.0.0/22", "fd00:70::/64"]);
    expect(subnet.body.properties.addressPrefix).toBeUndefined();
    const read = await call(sim, token, "GET", `${vnet}?api-version=2025-05-01`);
    expect(read.body.properties.addressSpace.addressPrefixes).toEqual(["10.70.0.0/16", "fd00:70::/48"]);
  });

  it.each([
    ["an IPv6 prefix outside the VNet", ["10.70.9.0/24", "fd00:71::/64"], "NetcfgSubnetRangeOutsideVnet"],
    ["an IPv6 prefix overlapping a sibling's", ["10.70.9.0/24", "fd00:70::/64"], "NetcfgSubnetRangesOverlap"],
    ["two IPv4 prefixes", ["10.70.9.0/24", "10.70.10.0/24"], "InvalidAddressPrefixFormat"],
    ["a malformed IPv6 prefix", ["10.70.9.0/24", "fd00:70:::/64"], "InvalidCIDRNotation"],
  ])("refuses a subnet with %s", async (_what, prefixes, code) => {
    const response = await put(`${vnet}/subnets/extra`, "2025-05-01", { properties: { addressPrefixes: prefixes } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
  });
});

let counter = 0;
async function createCluster(
  network: Record<string, unknown>,
  subnetId = `${vnet}/subnets/dual`,
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  counter += 1;
  return put(`${rg}/providers/Microsoft.ContainerService/managedClusters/c${counter}`, "2026-04-01", {
    location: "eastus2",
    identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } },
    properties: {
      dnsPrefix: `c${counter}`,
      agentPoolProfiles: [{ name: "system", count: 2, maxPods: 250, mode: "System", vnetSubnetID: subnetId }],
      networkProfile: {
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
        podCidr: "10.244.0.0/16",
        ...network,
      },
    },
  });
}

const overlay = { networkPlugin: "azure", networkPluginMode: "overlay" };
const dualStack = {
  ...overlay,
  ipFamilies: ["IPv4", "IPv6"],
  podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
  serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
};

describe("AKS dual-stack validation at the PUT", () => {
  it.each([
    ["IPv6 alone", { ...dualStack, ipFamilies: ["IPv6"] }, "networkProfile.ipFamilies"],
    ["kubenet", { ...dualStack, networkPlugin: "kubenet", networkPluginMode: undefined }, "networkProfile.ipFamilies"],
    [
      "Azure CNI without overlay",
      { ...dualStack, networkPluginMode: undefined, podCidr: undefined },
      "networkProfile.ipFamilies",
    ],
    [
      "pod CIDRs in the wrong order",
      { ...dualStack, podCidrs: ["fd12:3456:789a::/64", "10.244.0.0/16"] },
      "networkProfile.podCidrs",
    ],
    ["one service CIDR", { ...dualStack, serviceCidrs: ["10.0.0.0/16"] }, "networkProfile.serviceCidrs"],
    [
      "an IPv6 service CIDR of /104",
      { ...dualStack, serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/104"] },
      "networkProfile.serviceCidrs",
    ],
    [
      "an IPv6 pod CIDR in the VNet",
      { ...dualStack, podCidrs: ["10.244.0.0/16", "fd00:70:0:1::/64"] },
      "networkProfile.podCidrs",
    ],
  ])("refuses %s", async (_what, network, target) => {
    const response = await createCluster(network);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error.target).toBe(target);
  });

  it("refuses a dual-stack cluster on a subnet without an IPv6 prefix", async () => {
    const response = await createCluster(dualStack, `${vnet}/subnets/v4only`);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "InvalidParameter", target: "agentPoolProfile.vnetSubnetID" });
  });

  it("accepts a /112 IPv6 service CIDR (smaller than /108)", async () => {
    const response = await createCluster({ ...dualStack, serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/112"] });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });
});

describe("a node subnet in another subscription", () => {
  it("is accepted when the identity may join it there", async () => {
    const response = await createCluster(overlay, `${hubVnet}/subnets/granted`);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });

  it("is refused without the join, naming the scale set in the cluster's own subscription", async () => {
    const response = await createCluster(overlay, `${hubVnet}/subnets/ungranted`);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("LinkedAuthorizationFailed");
    expect(response.body.error.message).toContain(`on scope '/subscriptions/${sub}/resourceGroups/`);
    expect(response.body.error.message).toContain(`linked scope(s) '${hubVnet}/subnets/ungranted'`);
  });
});

describe("a dual-stack cluster's Kubernetes API", () => {
  let core: CoreV1Api;
  let home: string;

  beforeAll(async () => {
    const created = await createCluster(dualStack);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.properties.networkProfile).toMatchObject({
      ipFamilies: ["IPv4", "IPv6"],
      podCidrs: dualStack.podCidrs,
      serviceCidrs: dualStack.serviceCidrs,
      loadBalancerSku: "standard",
    });
    const operation = String(created.headers["azure-asyncoperation"]);
    while ((await call(sim, token, "GET", operation)).body.status === "InProgress") {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const credentials = await call(
      sim,
      token,
      "POST",
      `${rg}/providers/Microsoft.ContainerService/managedClusters/c${counter}/listClusterAdminCredential?api-version=2026-04-01`,
    );
    const kubeconfig = Buffer.from(String(credentials.body.kubeconfigs[0].value), "base64").toString("utf8");
    const config = new KubeConfig();
    config.loadFromString(kubeconfig);
    core = config.makeApiClient(CoreV1Api);
    home = mkdtempSync(join(tmpdir(), "kubectl-dual-"));
    writeFileSync(join(home, "config"), kubeconfig);
    // Pods start a few milliseconds after the cluster: wait until all have their addresses.
    for (let i = 0; i < 100; i += 1) {
      const pods = await core.listPodForAllNamespaces();
      if (pods.items.length > 0 && pods.items.every((pod) => pod.status?.phase === "Running")) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, 30_000);

  it("gives each node an IPv4 and an IPv6 InternalIP and a pod CIDR per family", async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(2);
    nodes.forEach((node, i) => {
      const internal = node.status?.addresses?.filter((a) => a.type === "InternalIP").map((a) => a.address);
      expect(internal).toEqual([`10.70.0.${4 + i}`, `fd00:70::${4 + i}`]);
      expect(node.spec?.podCIDRs).toEqual([
        `10.244.${i}.0/24`,
        i === 0 ? "fd12:3456:789a::/80" : "fd12:3456:789a:0:1::/80",
      ]);
    });
  });

  it("gives every pod an address per family: its node's for hostNetwork pods, the pod CIDRs' otherwise", async () => {
    const nodes = new Map(
      (await core.listNode()).items.map((node) => [
        node.metadata?.name,
        node.status?.addresses?.filter((a) => a.type === "InternalIP").map((a) => a.address),
      ]),
    );
    const pods = (await core.listPodForAllNamespaces()).items;
    expect(pods.length).toBeGreaterThan(5);
    for (const pod of pods) {
      const ips = pod.status?.podIPs?.map((entry) => entry.ip);
      expect(ips?.[0]).toBe(pod.status?.podIP);
      if (pod.spec?.hostNetwork === true) {
        expect(ips).toEqual(nodes.get(pod.spec.nodeName));
      } else {
        expect(ips?.[0]).toMatch(/^10\.244\.\d+\.\d+$/);
        expect(ips?.[1]).toMatch(/^fd12:3456:789a:0?:?[0-9a-f]*:?:[0-9a-f]+$/);
        // The same host offset in the node's /80 as in its /24.
        expect(ips?.[1]?.endsWith(`:${Number(ips[0]?.split(".")[3]).toString(16)}`)).toBe(true);
      }
    }
  });

  it("gives a PreferDualStack service a ClusterIP per family, and a plain one only IPv4", async () => {
    const dual = await core.createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "dual" }, spec: { ipFamilyPolicy: "PreferDualStack", ports: [{ port: 80 }] } },
    });
    expect(dual.spec?.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(dual.spec?.clusterIPs?.[0]).toMatch(/^10\.0\./);
    expect(dual.spec?.clusterIPs?.[1]).toMatch(/^fd12:3456:789a:1::/);
    const v6First = await core.createNamespacedService({
      namespace: "default",
      body: {
        metadata: { name: "v6first" },
        spec: { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv6", "IPv4"], ports: [{ port: 80 }] },
      },
    });
    expect(v6First.spec?.clusterIP).toMatch(/^fd12:/);
    const plain = await core.createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "plain" }, spec: { ports: [{ port: 80 }] } },
    });
    expect(plain.spec).toMatchObject({ ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" });
  });

  it("stock kubectl still shows the IPv4 addresses in its wide tables", async () => {
    const env = { ...process.env, HOME: home, KUBECONFIG: join(home, "config") };
    const { stdout: pods } = await promisify(execFile)(
      process.env.KUBECTL ?? "kubectl",
      ["get", "pods", "-A", "-o", "wide"],
      { env, timeout: 15_000 },
    );
    expect(pods.split("\n")[0]).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(pods).toMatch(/\s10\.244\.\d+\.\d+\s/);
    const { stdout: nodes } = await promisify(execFile)(
      process.env.KUBECTL ?? "kubectl",
      ["get", "nodes", "-o", "wide"],
      { env, timeout: 15_000 },
    );
    expect(nodes).toMatch(/\s10\.70\.0\.4\s/);
    const { stdout: podIps } = await promisify(execFile)(
      process.env.KUBECTL ?? "kubectl",
      ["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "jsonpath={.items[0].status.podIPs[*].ip}"],
      { env, timeout: 15_000 },
    );
    expect(podIps).toMatch(/^10\.244\.\d+\.\d+ fd12:3456:789a:/);
  });
});
