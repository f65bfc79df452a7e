/**
 * The simulator's egress resources through the real @azure/arm-network client: the shapes of azure-rest-api-specs'
 * NatGatewayCreateOrUpdate, PublicIpAddressCreateDefaults and RouteTableCreateWithRoute examples (key sets written from
 * them here), NRP's 201 + Azure-AsyncOperation writes, the back-references ARM derives from subnets, in-use deletes,
 * and AKS's create-time egress checks with AKS's own codes.
 */
import { ClientSecretCredential } from "@azure/identity";
import { ContainerServiceClient, type ManagedCluster } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";

const sub = "33333333-4444-5555-6666-777777777777";
const rg = "rg-egress";
const fast = { updateIntervalInMs: 10 };
let sim: AzureSimulator;
let network: NetworkManagementClient;
let aks: ContainerServiceClient;
let msi: ManagedServiceIdentityClient;
let authorization: AuthorizationManagementClient;

const keys = (value: object) => Object.keys(value).sort();

beforeAll(async () => {
  sim = await startAzureSimulator({ port: 0, timeScale: 0.002, emitRetryAfter: false, principalNotFoundWindowMs: 0 });
  const credential = new ClientSecretCredential(sim.tenantId, sim.clientId, sim.clientSecret, {
    authorityHost: sim.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sim.caCertPem },
  });
  const options = { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caCertPem } };
  network = new NetworkManagementClient(credential, sub, options);
  aks = new ContainerServiceClient(credential, sub, options);
  msi = new ManagedServiceIdentityClient(credential, sub, options);
  authorization = new AuthorizationManagementClient(credential, sub, options);
  await new ResourceManagementClient(credential, sub, options).resourceGroups.createOrUpdate(rg, {
    location: "eastus2",
  });
});

afterAll(async () => {
  await sim?.close();
});

async function vnetWithSubnet(name: string, prefix: string) {
  const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
    rg,
    name,
    {
      location: "eastus2",
      addressSpace: { addressPrefixes: [prefix] },
      subnets: [{ name: "nodes", addressPrefix: prefix }],
    },
    fast,
  );
  return vnet.subnets?.[0]?.id ?? "";
}

describe("public IPs and NAT gateways (PublicIpAddressCreateDefaults, NatGatewayCreateOrUpdate)", () => {
  it("creates a Standard static IP and a gateway on it, and shows the subnet on the gateway once attached", async () => {
    const ip = await network.publicIPAddresses.beginCreateOrUpdateAndWait(
      rg,
      "ng1-ip",
      { location: "eastus2", sku: { name: "Standard" }, publicIPAllocationMethod: "Static" },
      fast,
    );
    expect(ip).toMatchObject({
      name: "ng1-ip",
      type: "Microsoft.Network/publicIPAddresses",
      provisioningState: "Succeeded",
      publicIPAddressVersion: "IPv4",
      publicIPAllocationMethod: "Static",
      idleTimeoutInMinutes: 4,
      sku: { name: "Standard", tier: "Regional" },
    });
    expect(ip.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const gateway = await network.natGateways.beginCreateOrUpdateAndWait(
      rg,
      "ng1",
      { location: "eastus2", sku: { name: "Standard" }, publicIpAddresses: [{ id: ip.id }] },
      fast,
    );
    expect(gateway).toMatchObject({
      name: "ng1",
      type: "Microsoft.Network/natGateways",
      sku: { name: "Standard" },
      provisioningState: "Succeeded",
      idleTimeoutInMinutes: 4,
      publicIpAddresses: [{ id: ip.id }],
    });
    expect(gateway.subnets).toBeUndefined();

    const subnetId = await vnetWithSubnet("vnet-nat", "10.70.0.0/24");
    const subnet = await network.subnets.get(rg, "vnet-nat", "nodes");
    await network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet-nat",
      "nodes",
      { ...subnet, natGateway: { id: gateway.id } },
      fast,
    );
    expect((await network.subnets.get(rg, "vnet-nat", "nodes")).natGateway?.id).toBe(gateway.id);
    expect((await network.natGateways.get(rg, "ng1")).subnets).toEqual([{ id: subnetId }]);
    expect((await network.publicIPAddresses.get(rg, "ng1-ip")).natGateway?.id).toBe(gateway.id);
  });

  it("answers the raw NRP write: 201 with Updating and Azure-AsyncOperation, the example's top-level keys", async () => {
    const url = `${sim.armEndpoint}/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/raw-ip?api-version=2025-05-01`;
    const credential = new ClientSecretCredential(sim.tenantId, sim.clientId, sim.clientSecret, {
      authorityHost: sim.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: sim.caCertPem },
    });
    const token = (await credential.getToken(`${sim.armEndpoint}/.default`))?.token ?? "";
    const { request } = await import("node:https");
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: any }>(
      (resolve, reject) => {
        const put = request(
          new URL(url),
          {
            method: "PUT",
            ca: sim.caCertPem,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk.toString()));
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }),
            );
          },
        );
        put.on("error", reject);
        put.end(JSON.stringify({ location: "eastus" }));
      },
    );
    expect(answer.status).toBe(201);
    expect(answer.headers["azure-asyncoperation"]).toMatch(
      /\/providers\/Microsoft\.Network\/locations\/eastus\/operations\//,
    );
    expect(keys(answer.body)).toEqual(["etag", "id", "location", "name", "properties", "sku", "type"]);
    expect(answer.body.properties.provisioningState).toBe("Updating");
  });

  it("refuses a Standard IP with dynamic allocation and a gateway on a missing IP, with NRP's codes", async () => {
    await expect(
      network.publicIPAddresses.beginCreateOrUpdateAndWait(
        rg,
        "dyn",
        { location: "eastus2", sku: { name: "Standard" }, publicIPAllocationMethod: "Dynamic" },
        fast,
      ),
    ).rejects.toMatchObject({ code: "StandardSkuPublicIPAddressesCannotHaveDynamicAllocation", statusCode: 400 });
    const missing = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/nope`;
    await expect(
      network.natGateways.beginCreateOrUpdateAndWait(
        rg,
        "ng-bad",
        { location: "eastus2", sku: { name: "Standard" }, publicIpAddresses: [{ id: missing }] },
        fast,
      ),
    ).rejects.toMatchObject({ code: "InvalidResourceReference" });
  });

  it("a StandardV2 gateway takes only StandardV2 addresses and prefixes that exist, and keeps its SKU", async () => {
    const v2Ip = await network.publicIPAddresses.createOrUpdate(rg, "v2-ip", {
      location: "eastus2",
      sku: { name: "StandardV2", tier: "Regional" },
    });
    expect(v2Ip).toMatchObject({ sku: { name: "StandardV2" }, publicIPAllocationMethod: "Static" });
    const standardIp = await network.publicIPAddresses.createOrUpdate(rg, "std-ip", {
      location: "eastus2",
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
    });
    await expect(
      network.natGateways.createOrUpdate(rg, "ng-v2", {
        location: "eastus2",
        sku: { name: "StandardV2" },
        publicIpAddresses: [{ id: standardIp.id }],
      }),
    ).rejects.toMatchObject({ code: "NatGatewayPublicIpSkuMismatch", statusCode: 400 });
    const missingPrefix = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPPrefixes/nope`;
    await expect(
      network.natGateways.createOrUpdate(rg, "ng-v2", {
        location: "eastus2",
        sku: { name: "StandardV2" },
        publicIpPrefixes: [{ id: missingPrefix }],
      }),
    ).rejects.toMatchObject({ code: "InvalidResourceReference", statusCode: 400 });
    const prefix = await network.publicIPPrefixes.createOrUpdate(rg, "v2-prefix", {
      location: "eastus2",
      sku: { name: "StandardV2" },
      prefixLength: 28,
    });
    expect(prefix.ipPrefix).toMatch(/^\d+\.\d+\.\d+\.\d+\/28$/);
    const gateway = await network.natGateways.createOrUpdate(rg, "ng-v2", {
      location: "eastus2",
      sku: { name: "StandardV2" },
      publicIpAddresses: [{ id: v2Ip.id }],
      publicIpPrefixes: [{ id: prefix.id }],
    });
    expect(gateway).toMatchObject({ sku: { name: "StandardV2" }, provisioningState: "Succeeded" });
    expect((await network.publicIPPrefixes.get(rg, "v2-prefix")).natGateway?.id).toBe(gateway.id);
    await expect(
      network.natGateways.createOrUpdate(rg, "ng-v2", { location: "eastus2", sku: { name: "Standard" } }),
    ).rejects.toMatchObject({ code: "NatGatewaySkuCannotBeChanged", statusCode: 400 });
    await expect(network.publicIPPrefixes.delete(rg, "v2-prefix")).rejects.toMatchObject({
      code: "PublicIpPrefixInUse",
    });
  });

  it("will not delete a gateway a subnet uses, or an IP a gateway uses; deletes them once free", async () => {
    await expect(network.natGateways.beginDeleteAndWait(rg, "ng1", fast)).rejects.toMatchObject({
      code: "InUseNatGatewayCannotBeDeleted",
    });
    await expect(network.publicIPAddresses.beginDeleteAndWait(rg, "ng1-ip", fast)).rejects.toMatchObject({
      code: "PublicIPAddressInUse",
    });
    const subnet = await network.subnets.get(rg, "vnet-nat", "nodes");
    // A subnet PUT is the whole truth: leaving natGateway out detaches it.
    await network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet-nat",
      "nodes",
      { ...subnet, natGateway: undefined },
      fast,
    );
    await network.natGateways.beginDeleteAndWait(rg, "ng1", fast);
    await network.publicIPAddresses.beginDeleteAndWait(rg, "ng1-ip", fast);
    await expect(network.natGateways.get(rg, "ng1")).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("route tables (RouteTableCreateWithRoute)", () => {
  it("gives each route its id and provisioningState and lists the subnets that use the table", async () => {
    const table = await network.routeTables.beginCreateOrUpdateAndWait(
      rg,
      "rt1",
      {
        location: "eastus2",
        disableBgpRoutePropagation: true,
        routes: [
          {
            name: "default",
            addressPrefix: "0.0.0.0/0",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.9.0.4",
          },
        ],
      },
      fast,
    );
    expect(table).toMatchObject({
      name: "rt1",
      type: "Microsoft.Network/routeTables",
      provisioningState: "Succeeded",
      disableBgpRoutePropagation: true,
      subnets: [],
      routes: [
        {
          name: "default",
          id: `${table.id}/routes/default`,
          provisioningState: "Succeeded",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.9.0.4",
        },
      ],
    });
    const subnetId = await vnetWithSubnet("vnet-rt", "10.71.0.0/24");
    const subnet = await network.subnets.get(rg, "vnet-rt", "nodes");
    await network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet-rt",
      "nodes",
      { ...subnet, routeTable: { id: table.id } },
      fast,
    );
    expect((await network.routeTables.get(rg, "rt1")).subnets?.map((s) => s.id)).toEqual([subnetId]);
    await expect(network.routeTables.beginDeleteAndWait(rg, "rt1", fast)).rejects.toMatchObject({
      code: "InUseRouteTableCannotBeDeleted",
    });
  });

  it("refuses a subnet that points at a route table that does not exist", async () => {
    const subnet = await network.subnets.get(rg, "vnet-rt", "nodes");
    const missing = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/routeTables/nope`;
    await expect(
      network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet-rt",
        "nodes",
        { ...subnet, routeTable: { id: missing } },
        fast,
      ),
    ).rejects.toMatchObject({ code: "InvalidResourceReference", statusCode: 400 });
  });
});

describe("AKS's egress checks at the managedClusters PUT", () => {
  async function clusterOn(vnet: string, prefix: string, outboundType: string): Promise<ManagedCluster> {
    const subnetId = await vnetWithSubnet(vnet, prefix);
    const identity = await msi.userAssignedIdentities.createOrUpdate(rg, `id-${vnet}`, { location: "eastus2" });
    await authorization.roleAssignments.create(subnetId.replace(/^\//, ""), crypto.randomUUID(), {
      roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
      principalId: identity.principalId ?? "",
      principalType: "ServicePrincipal",
    });
    return {
      location: "eastus2",
      identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id ?? ""]: {} } },
      dnsPrefix: vnet,
      agentPoolProfiles: [
        { name: "system", mode: "System", count: 1, vmSize: "Standard_D2s_v5", maxPods: 30, vnetSubnetID: subnetId },
      ],
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr: "192.168.0.0/16",
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
        outboundType,
      },
    };
  }
  const create = (name: string, body: ManagedCluster) =>
    aks.managedClusters.beginCreateOrUpdate(rg, name, body, fast).then((poller) => poller.pollUntilDone());

  it("userAssignedNATGateway: refuses a node subnet without a NAT gateway (SubnetNotAssociatedWithNATGateway)", async () => {
    const body = await clusterOn("vnet-aks-nat", "10.72.0.0/24", "userAssignedNATGateway");
    await expect(create("aks-nat", body)).rejects.toMatchObject({
      code: "SubnetNotAssociatedWithNATGateway",
      statusCode: 400,
    });
  });

  it("userDefinedRouting: refuses no table, a table without 0.0.0.0/0, and a default route to Internet; accepts an NVA", async () => {
    const body = await clusterOn("vnet-aks-udr", "10.73.0.0/24", "userDefinedRouting");
    await expect(create("aks-udr", body)).rejects.toMatchObject({ code: "ExistingRouteTableNotAssociatedWithSubnet" });

    const attach = async (
      routes: { name: string; addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }[],
    ) => {
      const table = await network.routeTables.beginCreateOrUpdateAndWait(
        rg,
        "rt-aks",
        { location: "eastus2", routes },
        fast,
      );
      const subnet = await network.subnets.get(rg, "vnet-aks-udr", "nodes");
      await network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet-aks-udr",
        "nodes",
        { ...subnet, routeTable: { id: table.id } },
        fast,
      );
    };
    await attach([{ name: "onprem", addressPrefix: "192.168.100.0/24", nextHopType: "VirtualNetworkGateway" }]);
    await expect(create("aks-udr", body)).rejects.toMatchObject({ code: "RouteTableMissingDefaultRouteError" });
    await attach([{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }]);
    await expect(create("aks-udr", body)).rejects.toMatchObject({
      code: "RouteTableInvalidNextHop",
      message: expect.stringMatching(/only next hops of VirtualAppliance or VirtualNetworkGateway are allowed/),
    });
    await attach([
      { name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.9.0.4" },
    ]);
    const cluster = await create("aks-udr", body);
    expect(cluster.provisioningState).toBe("Succeeded");
    expect(cluster.networkProfile?.outboundType).toBe("userDefinedRouting");
    // No outbound IPs on a load balancer that carries no egress.
    expect(cluster.networkProfile?.loadBalancerProfile).toBeUndefined();
  });
});
