/**
 * Egress through the whole local stack: a NAT gateway cluster and a user-defined-routing cluster are built end to end
 * (egress resources once each, on every cluster subnet, before AKS checks them), a second POST writes nothing, and a
 * caller's route table without a default route fails at the egress step before any cluster is sent to AKS.
 * (The docs examples for these types are also private clusters, which another change makes provisionable.)
 */
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { containerServiceApiVersion } from "../../src/azure/clients.js";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, subscriptionId, type TestStack } from "./harness.js";

let stack: TestStack;
let network: NetworkManagementClient;
let aks: ContainerServiceClient;
let resources: ResourceManagementClient;

beforeAll(async () => {
  stack = await startTestStack();
  const { sim } = stack;
  // The test reads what was built with the real SDK clients, as an operator would.
  const credential = new ClientSecretCredential(sim.tenantId, sim.clientId, sim.clientSecret, {
    authorityHost: sim.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sim.caCertPem },
  });
  const options = { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caCertPem } };
  network = new NetworkManagementClient(credential, subscriptionId, options);
  aks = new ContainerServiceClient(credential, subscriptionId, { ...options, apiVersion: containerServiceApiVersion });
  resources = new ResourceManagementClient(credential, subscriptionId, options);
});

afterAll(async () => {
  await stack?.close();
});

function inventoryOf(resourceGroup: string) {
  return stack.sim.control
    .inventory()
    .filter((resource) => resource.id.toLowerCase().includes(`/resourcegroups/${resourceGroup.toLowerCase()}/`));
}

function countOf(resourceGroup: string, type: string): number {
  return inventoryOf(resourceGroup).filter((resource) => resource.type.toLowerCase() === type.toLowerCase()).length;
}

async function provision(body: unknown) {
  const started = await stack.api("/api/clusters", { method: "POST", body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return { id: started.body.id as string, final: await stack.waitForFinal(started.body.id) };
}

const base = (name: string) => ({
  subscriptionId,
  resourceGroup: `rg-${name}`,
  location: "eastus2",
  clusterName: name,
});
const stepStatus = (final: any, name: string) => final.steps.find((step: { name: string }) => step.name === name);

describe("userAssignedNATGateway", () => {
  const request = {
    ...base("aks-nat"),
    nodePool: { count: 3 },
    network: {
      mode: "pod-subnet",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.80.0.0/16"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.80.0.0/22" },
      podSubnet: { name: "snet-pods", addressPrefix: "10.80.16.0/20" },
      outbound: { type: "userAssignedNATGateway", natGateway: { name: "ng-aks" } },
    },
  };

  it("creates the NAT gateway and its public IP once, on every cluster subnet, and builds the cluster on it", async () => {
    const { final } = await provision(request);
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.status).toBe("Succeeded");
    expect(final.ipVerification.passed).toBe(true);
    expect(stepStatus(final, "egress")).toMatchObject({ status: "succeeded" });
    expect(final.resources.natGatewayId).toMatch(/\/natGateways\/ng-aks$/);
    expect(final.resources.publicIpId).toMatch(/\/publicIPAddresses\/ng-aks-ip$/);

    expect(countOf(request.resourceGroup, "Microsoft.Network/natGateways")).toBe(1);
    expect(countOf(request.resourceGroup, "Microsoft.Network/publicIPAddresses")).toBe(1);
    expect(countOf(request.resourceGroup, "Microsoft.Network/routeTables")).toBe(0);
    const gateway = await network.natGateways.get(request.resourceGroup, "ng-aks");
    expect(gateway.sku?.name).toBe("Standard");
    expect(gateway.publicIpAddresses?.map((ip) => ip.id)).toEqual([final.resources.publicIpId]);
    expect(gateway.subnets?.map((subnet) => subnet.id).sort()).toEqual(
      [final.resources.nodeSubnetId, final.resources.podSubnetId].sort(),
    );
    const ip = await network.publicIPAddresses.get(request.resourceGroup, "ng-aks-ip");
    expect(ip).toMatchObject({ sku: { name: "Standard" }, publicIPAllocationMethod: "Static" });

    const cluster = await aks.managedClusters.get(request.resourceGroup, request.clusterName);
    expect(cluster.networkProfile?.outboundType).toBe("userAssignedNATGateway");
  });

  it("writes nothing when the same request is posted again", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const { final } = await provision(request);
    expect(final.status).toBe("Succeeded");
    const writes = stack.sim.control
      .requestLog()
      .slice(logStart)
      .filter((entry: { method: string; path: string }) => entry.method === "PUT" && !/\/_sim\//.test(entry.path));
    expect(writes, JSON.stringify(writes)).toEqual([]);
    expect(countOf(request.resourceGroup, "Microsoft.Network/natGateways")).toBe(1);
    expect(countOf(request.resourceGroup, "Microsoft.Network/publicIPAddresses")).toBe(1);
  });
});

describe("userAssignedNATGateway, StandardV2", () => {
  const request = {
    ...base("aks-nat-v2"),
    nodePool: { count: 2 },
    network: {
      mode: "overlay",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.81.0.0/16"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.81.0.0/24" },
      podCidr: "192.168.0.0/16",
      outbound: { type: "userAssignedNATGateway", natGateway: { name: "ng-v2", sku: "StandardV2" } },
    },
  };

  it("plans the SKU, then builds a StandardV2 gateway on a StandardV2 public IP", async () => {
    const plan = await stack.api("/api/plans", { method: "POST", body: request });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.plan.outbound).toMatchObject({ natGateway: "ng-v2", natGatewaySku: "StandardV2" });
    const { final } = await provision(request);
    expect(final.status, JSON.stringify(final.error)).toBe("Succeeded");
    const gateway = await network.natGateways.get(request.resourceGroup, "ng-v2");
    expect(gateway.sku?.name).toBe("StandardV2");
    const ip = await network.publicIPAddresses.get(request.resourceGroup, "ng-v2-ip");
    expect(ip.sku?.name).toBe("StandardV2");
    expect(gateway.publicIpAddresses?.map((ref) => ref.id)).toEqual([ip.id]);
  });

  it("refuses to turn the gateway it built into a Standard one (409), changing nothing", async () => {
    const logStart = stack.sim.control.requestLog().length;
    const standard = structuredClone(request);
    standard.network.outbound.natGateway.sku = "Standard";
    const response = await stack.api("/api/clusters", { method: "POST", body: standard });
    expect(response.status).toBe(409);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: "network.outbound.natGateway.sku" })]);
    const writes = stack.sim.control
      .requestLog()
      .slice(logStart)
      .filter((entry: { method: string }) => entry.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("refuses a SKU that NRP does not have, before anything is built (400 problem+json)", async () => {
    const bad = structuredClone(request);
    (bad.network.outbound.natGateway as { sku: string }).sku = "Basic";
    const response = await stack.api("/api/clusters", { method: "POST", body: bad });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/problem\+json/);
    expect(JSON.stringify(response.body)).toMatch(/network\.outbound\.natGateway\.sku/);
  });
});

describe("userDefinedRouting", () => {
  it("creates the route table to the firewall, attaches it, grants and verifies Network Contributor on it (kubenet)", async () => {
    const request = {
      ...base("aks-udr"),
      nodePool: { count: 3 },
      network: {
        mode: "kubenet",
        vnet: { name: "vnet-aks", addressPrefixes: ["10.81.0.0/16"] },
        nodeSubnet: { name: "snet-nodes", addressPrefix: "10.81.0.0/22" },
        podCidr: "192.168.0.0/16",
        outbound: { type: "userDefinedRouting", routeTable: { name: "rt-aks-udr" }, nextHopIp: "10.90.0.4" },
      },
    };
    const { final } = await provision(request);
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.status).toBe("Succeeded");
    expect(final.ipVerification.passed).toBe(true);
    expect(stepStatus(final, "egress").detail).toMatch(/0\.0\.0\.0\/0 → VirtualAppliance 10\.90\.0\.4/);
    const tableId: string = final.resources.routeTableId;
    expect(tableId).toMatch(/\/routeTables\/rt-aks-udr$/);
    expect(final.roleChecks).toContainEqual(
      expect.objectContaining({ role: "Network Contributor", scope: tableId, present: true }),
    );

    // One route table: kubenet's pod routes went into ours (AKS makes none of its own when the subnet has one).
    expect(countOf(request.resourceGroup, "Microsoft.Network/routeTables")).toBe(1);
    expect(inventoryOf(`MC_${request.resourceGroup}_${request.clusterName}_eastus2`).map((r) => r.type)).not.toContain(
      "Microsoft.Network/routeTables",
    );
    expect(countOf(request.resourceGroup, "Microsoft.Network/natGateways")).toBe(0);
    const table = await network.routeTables.get(request.resourceGroup, "rt-aks-udr");
    expect(table.subnets?.map((subnet) => subnet.id)).toEqual([final.resources.nodeSubnetId]);
    expect(table.routes).toContainEqual(
      expect.objectContaining({
        addressPrefix: "0.0.0.0/0",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.90.0.4",
      }),
    );
    expect(table.routes?.filter((route) => route.addressPrefix?.startsWith("192.168."))).toHaveLength(3);
    const cluster = await aks.managedClusters.get(request.resourceGroup, request.clusterName);
    expect(cluster.networkProfile?.outboundType).toBe("userDefinedRouting");
  });

  it("fails at the egress step, sending no cluster to AKS, when the caller's route table has no default route", async () => {
    const name = "aks-udr-norte";
    const resourceGroup = `rg-${name}`;
    const { sim } = stack;
    await resources.resourceGroups.createOrUpdate("rg-hub", { location: "eastus2" });
    const table = await network.routeTables.beginCreateOrUpdateAndWait(
      "rg-hub",
      "rt-hub",
      {
        location: "eastus2",
        routes: [{ name: "onprem", addressPrefix: "172.20.0.0/16", nextHopType: "VirtualNetworkGateway" }],
      },
      { updateIntervalInMs: 10 },
    );
    const logStart = sim.control.requestLog().length;
    const { final } = await provision({
      ...base(name),
      nodePool: { count: 3 },
      network: {
        mode: "overlay",
        vnet: { name: "vnet-aks", addressPrefixes: ["10.82.0.0/16"] },
        nodeSubnet: { name: "snet-nodes", addressPrefix: "10.82.0.0/22" },
        outbound: { type: "userDefinedRouting", routeTable: { id: table.id } },
      },
    });
    expect(final.status).toBe("Failed");
    expect(final.error).toMatchObject({ step: "egress", code: "RouteTableMissingDefaultRouteError" });
    const clusterWrites = sim.control
      .requestLog()
      .slice(logStart)
      .filter(
        (entry: { method: string; path: string }) => entry.method === "PUT" && /managedClusters/i.test(entry.path),
      );
    expect(clusterWrites).toEqual([]);
    expect(countOf(resourceGroup, "Microsoft.Network/routeTables")).toBe(0);
  });
});
