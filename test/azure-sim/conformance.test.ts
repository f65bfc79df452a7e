/**
 * The simulator against what real ARM does: response shapes from the official azure-rest-api-specs examples
 * (IdentityCreate, RoleAssignments_CreateForResource, VirtualNetworkCreateSubnet, ManagedClustersCreate_Update,
 * ManagedClustersListClusterAdminCredentials — key sets written from them here, not copied), status codes and headers
 * from real SDK recordings (RG delete 202+Location → 202 → 200 empty; NRP 201+Azure-AsyncOperation; AKS PUT 201+AAO
 * without Location; AKS DELETE 202+AAO+Location), and the real SDK clients seeing exactly the injected faults.
 */
import { request as httpsRequest } from "node:https";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential } from "@azure/identity";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";

const sub = "22222222-3333-4444-5555-666666666666";
let sim: AzureSimulator;
let token: string;
let clients: {
  resources: ResourceManagementClient;
  msi: ManagedServiceIdentityClient;
  network: NetworkManagementClient;
  authorization: AuthorizationManagementClient;
  aks: ContainerServiceClient;
};

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

function raw(method: string, pathOrUrl: string, body?: unknown, auth = true): Promise<Raw> {
  const url = new URL(pathOrUrl.startsWith("https://") ? pathOrUrl : `${sim.url}${pathOrUrl}`);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method,
        ca: sim.caCertPem,
        headers: {
          ...(auth ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text === "" ? null : JSON.parse(text),
            text,
          }),
        );
      },
    );
    request.on("error", reject);
    if (body !== undefined) request.write(JSON.stringify(body));
    request.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keys = (value: object) => Object.keys(value).sort();

beforeAll(async () => {
  sim = await startAzureSimulator({
    port: 0,
    timeScale: 0.003,
    emitRetryAfter: false,
    principalNotFoundWindowMs: 0,
    podStartupMs: 10,
  });
  const credential = new ClientSecretCredential(sim.tenantId, sim.clientId, sim.clientSecret, {
    authorityHost: sim.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sim.caCertPem },
  });
  token = (await credential.getToken(`${sim.armEndpoint}/.default`))?.token ?? "";
  const options = { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caCertPem } };
  clients = {
    resources: new ResourceManagementClient(credential, sub, options),
    msi: new ManagedServiceIdentityClient(credential, sub, options),
    network: new NetworkManagementClient(credential, sub, options),
    authorization: new AuthorizationManagementClient(credential, sub, options),
    aks: new ContainerServiceClient(credential, sub, options),
  };
});

afterAll(async () => {
  await sim?.close();
});

describe("ARM envelope and auth", () => {
  it("answers 401 without a token, 400 without api-version, and ARM's 404 codes", async () => {
    expect(
      (await raw("GET", `/subscriptions/${sub}/resourcegroups/x?api-version=2025-04-01`, undefined, false)).body.error
        .code,
    ).toBe("AuthenticationFailed");
    expect((await raw("GET", `/subscriptions/${sub}/resourcegroups/x`)).body.error.code).toBe(
      "MissingApiVersionParameter",
    );
    const missingGroup = await raw("GET", `/subscriptions/${sub}/resourcegroups/nope?api-version=2025-04-01`);
    expect(missingGroup).toMatchObject({
      status: 404,
      body: { error: { code: "ResourceGroupNotFound", message: "Resource group 'nope' could not be found." } },
    });
    await clients.resources.resourceGroups.createOrUpdate("rg-conf", { location: "eastus" });
    const missingCluster = await raw(
      "GET",
      `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.ContainerService/managedClusters/none?api-version=2026-04-01`,
    );
    expect(missingCluster.status).toBe(404);
    expect(missingCluster.body.error.code).toBe("ResourceNotFound");
    expect(missingCluster.headers["x-ms-request-id"]).toBeDefined();
  });
});

describe("resource groups (recording: 202 + Location, poll 202 → 200 empty)", () => {
  it("creates (201, then 200) and deletes through the SDK poller", async () => {
    const first = await raw("PUT", `/subscriptions/${sub}/resourcegroups/rg-del?api-version=2025-04-01`, {
      location: "eastus",
      tags: { a: "b" },
    });
    expect(first.status).toBe(201);
    expect(keys(first.body)).toEqual(["id", "location", "name", "properties", "tags", "type"]);
    expect(
      (await raw("PUT", `/subscriptions/${sub}/resourcegroups/rg-del?api-version=2025-04-01`, { location: "eastus" }))
        .status,
    ).toBe(200);

    const deletion = await raw("DELETE", `/subscriptions/${sub}/resourcegroups/rg-del?api-version=2025-04-01`);
    expect(deletion.status).toBe(202);
    expect(deletion.text).toBe("");
    const location = String(deletion.headers.location);
    expect(location.startsWith(`${sim.url}/subscriptions/${sub}/operationresults/`)).toBe(true);
    expect((await raw("GET", location)).status).toBe(202);
    await sleep(150);
    const done = await raw("GET", location);
    expect(done.status).toBe(200);
    expect(done.text).toBe("");
    expect((await clients.resources.resourceGroups.checkExistence("rg-del")).body).toBe(false);

    await clients.resources.resourceGroups.createOrUpdate("rg-del2", { location: "eastus" });
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-del2", { updateIntervalInMs: 20 });
    expect((await clients.resources.resourceGroups.checkExistence("rg-del2")).body).toBe(false);

    // A client that never polls the operation (HEAD only, as the teardown does) still sees the group go.
    await clients.resources.resourceGroups.createOrUpdate("rg-del3", { location: "eastus" });
    await clients.resources.resourceGroups.beginDelete("rg-del3");
    expect((await clients.resources.resourceGroups.checkExistence("rg-del3")).body).toBe(true);
    let heads = 1;
    while ((await clients.resources.resourceGroups.checkExistence("rg-del3")).body) {
      heads += 1;
      expect(heads, "HEAD polls before the group went").toBeLessThan(100);
      await sleep(20);
    }
  });
});

describe("identities (IdentityCreate example)", () => {
  it("returns the example's shape, ids with /resourcegroups/, and a stable principal", async () => {
    const created = await raw(
      "PUT",
      `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1?api-version=2024-11-30`,
      {
        location: "eastus",
        tags: { key1: "value1" },
      },
    );
    expect(created.status).toBe(201);
    expect(keys(created.body)).toEqual(["id", "location", "name", "properties", "tags", "type"]);
    expect(keys(created.body.properties)).toEqual(["clientId", "isolationScope", "principalId", "tenantId"]);
    expect(created.body.id).toBe(
      `/subscriptions/${sub}/resourcegroups/rg-conf/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`,
    );
    const again = await clients.msi.userAssignedIdentities.createOrUpdate("rg-conf", "id1", { location: "eastus" });
    expect(again.principalId).toBe(created.body.properties.principalId);
  });
});

describe("virtual networks (VirtualNetworkCreateSubnet example, NRP recording headers)", () => {
  it("answers 201 + Azure-AsyncOperation with Updating, polls to Succeeded, and the SDK poller completes", async () => {
    // NRP's 3 s create at a scale slow enough that a loaded machine still polls it while InProgress.
    sim.control.setConfig({ timeScale: 0.1 });
    const put = await raw(
      "PUT",
      `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.Network/virtualNetworks/test-vnet?api-version=2025-05-01`,
      {
        location: "eastus",
        properties: {
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: [{ name: "test-1", properties: { addressPrefix: "10.0.0.0/24" } }],
        },
      },
    );
    expect(put.status).toBe(201);
    expect(put.headers.location).toBeUndefined();
    const operation = String(put.headers["azure-asyncoperation"]);
    expect(operation).toMatch(
      new RegExp(
        `^${sim.url}/subscriptions/${sub}/providers/Microsoft.Network/locations/eastus/operations/[^?]+\\?api-version=2025-05-01`,
      ),
    );
    expect(put.body.properties.provisioningState).toBe("Updating");
    expect(keys(put.body)).toEqual(expect.arrayContaining(["id", "location", "name", "properties", "type"]));
    expect(keys(put.body.properties)).toEqual(
      expect.arrayContaining(["addressSpace", "provisioningState", "subnets", "virtualNetworkPeerings"]),
    );
    expect(keys(put.body.properties.subnets[0])).toEqual(expect.arrayContaining(["id", "name", "properties"]));
    expect((await raw("GET", operation)).body).toMatchObject({ status: "InProgress" });
    sim.control.setConfig({ timeScale: 0.003 });
    await sleep(350);
    expect((await raw("GET", operation)).body).toMatchObject({ status: "Succeeded" });

    const viaSdk = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      "rg-conf",
      "sdk-vnet",
      {
        location: "eastus",
        addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
        subnets: [{ name: "a", addressPrefix: "10.1.0.0/24" }],
      },
      { updateIntervalInMs: 20 },
    );
    expect(viaSdk.provisioningState).toBe("Succeeded");
    expect(viaSdk.subnets?.[0]?.addressPrefix).toBe("10.1.0.0/24");
  });

  it("rejects a subnet outside the VNet synchronously with NRP's code", async () => {
    await expect(
      clients.network.virtualNetworks.beginCreateOrUpdateAndWait("rg-conf", "bad-vnet", {
        location: "eastus",
        addressSpace: { addressPrefixes: ["10.2.0.0/16"] },
        subnets: [{ name: "x", addressPrefix: "10.3.0.0/24" }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "NetcfgSubnetRangeOutsideVnet" });
  });
});

describe("role assignments (RoleAssignments_CreateForResource example)", () => {
  it("accepts the SDK's //subscriptions path, returns the example's shape, and reports RoleAssignmentExists", async () => {
    const identity = await clients.msi.userAssignedIdentities.get("rg-conf", "id1");
    const scope = `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.Network/virtualNetworks/test-vnet`;
    const created = await raw(
      "PUT",
      `/${scope}/providers/Microsoft.Authorization/roleAssignments/05c5a614-a7d6-4502-b150-c2fb455033ff?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
          principalId: identity.principalId,
          principalType: "ServicePrincipal",
        },
      },
    );
    expect(created.status).toBe(201);
    expect(keys(created.body)).toEqual(["id", "name", "properties", "type"]);
    expect(created.body.properties).toMatchObject({
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      scope,
    });
    await expect(
      clients.authorization.roleAssignments.create(scope, "15c5a614-a7d6-4502-b150-c2fb455033ff", {
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
        principalId: identity.principalId ?? "",
        principalType: "ServicePrincipal",
      }),
    ).rejects.toMatchObject({ statusCode: 409, code: "RoleAssignmentExists" });
    const listed = [];
    for await (const assignment of clients.authorization.roleAssignments.listForScope(`${scope}/subnets/test-1`, {
      filter: `atScope() and assignedTo('${identity.principalId}')`,
    }))
      listed.push(assignment);
    expect(listed.map((a) => a.name)).toEqual(["05c5a614-a7d6-4502-b150-c2fb455033ff"]);
  });
});

describe("managed clusters (ManagedClustersCreate_Update example, AKS recordings)", () => {
  // Source: Azure/azure-sdk-assets js/sdk/containerservice/arm-containerservice/recordings/node/containerservice_test/
  // recording_managedclusters_create_test.json — every poll of the 4 min 13 s create answers status "InProgress".
  it("creates with 201 + Azure-AsyncOperation only, polls InProgress until Succeeded, and completes through the v3 poller", async () => {
    const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      "rg-conf",
      "aks-vnet",
      {
        location: "eastus",
        addressSpace: { addressPrefixes: ["172.16.0.0/16"] },
        subnets: [{ name: "nodes", addressPrefix: "172.16.0.0/20" }],
      },
      { updateIntervalInMs: 20 },
    );
    const identity = await clients.msi.userAssignedIdentities.get("rg-conf", "id1");
    const body = {
      location: "eastus",
      identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id ?? ""]: {} } },
      properties: {
        dnsPrefix: "conf1",
        agentPoolProfiles: [
          {
            name: "system",
            count: 2,
            vmSize: "Standard_D2s_v5",
            maxPods: 110,
            mode: "System",
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            vnetSubnetID: vnet.subnets?.[0]?.id,
          },
        ],
        networkProfile: {
          networkPlugin: "kubenet",
          podCidr: "10.244.0.0/16",
          serviceCidr: "10.0.0.0/16",
          dnsServiceIP: "10.0.0.10",
        },
      },
    };
    const put = await raw(
      "PUT",
      `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.ContainerService/managedClusters/conf1?api-version=2026-04-01`,
      body,
    );
    expect(put.status).toBe(201);
    expect(put.headers.location).toBeUndefined();
    expect(put.headers["retry-after"]).toBeUndefined();
    expect(keys(put.body)).toEqual(
      expect.arrayContaining(["id", "identity", "location", "name", "properties", "tags", "type"]),
    );
    expect(keys(put.body.properties)).toEqual(
      expect.arrayContaining([
        "agentPoolProfiles",
        "currentKubernetesVersion",
        "dnsPrefix",
        "enableRBAC",
        "kubernetesVersion",
        "maxAgentPools",
        "networkProfile",
        "nodeResourceGroup",
        "provisioningState",
      ]),
    );
    expect(put.body.properties.provisioningState).toBe("Creating");
    expect(put.body.properties.networkProfile).toMatchObject({
      podCidrs: ["10.244.0.0/16"],
      serviceCidrs: ["10.0.0.0/16"],
      ipFamilies: ["IPv4"],
    });
    expect(put.body.id).toContain("/resourcegroups/rg-conf/");
    const statuses = new Set<string>();
    const operation = String(put.headers["azure-asyncoperation"]);
    for (let i = 0; i < 200; i += 1) {
      const status = (await raw("GET", operation)).body.status as string;
      statuses.add(status.replace(/\d+\/\d+/, "n/n"));
      if (status === "Succeeded") break;
      await sleep(5);
    }
    expect([...statuses]).toEqual(["InProgress", "Succeeded"]);
    const cluster = await clients.aks.managedClusters.get("rg-conf", "conf1");
    expect(cluster.provisioningState).toBe("Succeeded");
    expect(cluster.nodeResourceGroup).toBe("MC_rg-conf_conf1_eastus");

    const credentials = await raw(
      "POST",
      `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.ContainerService/managedClusters/conf1/listClusterAdminCredential?api-version=2026-04-01`,
    );
    expect(keys(credentials.body.kubeconfigs[0])).toEqual(["name", "value"]);
    const kubeconfig = Buffer.from(credentials.body.kubeconfigs[0].value, "base64").toString("utf8");
    expect(kubeconfig).toContain("user: clusterAdmin_rg-conf_conf1");
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.status?.addresses?.find((a) => a.type === "InternalIP")?.address)).toEqual([
      "172.16.0.4",
      "172.16.0.5",
    ]);

    // Rancher#20784 / terraform-provider-azurerm PR 5735: a synchronous 400 at the PUT, count × (maxPods + 1).
    await clients.authorization.roleAssignments.create(
      `/subscriptions/${sub}/resourceGroups/rg-conf`,
      "25c5a614-a7d6-4502-b150-c2fb455033ff",
      {
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
        principalId: identity.principalId ?? "",
        principalType: "ServicePrincipal",
      },
    );
    const failed = clients.aks.managedClusters.createOrUpdate(
      "rg-conf",
      "too-big",
      {
        location: "eastus",
        identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id ?? ""]: {} } },
        dnsPrefix: "too-big",
        agentPoolProfiles: [
          {
            name: "system",
            count: 20,
            maxPods: 250,
            vmSize: "Standard_D2s_v5",
            mode: "System",
            vnetSubnetID: vnet.subnets?.[0]?.id ?? "",
          },
        ],
        networkProfile: { networkPlugin: "azure", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" },
      },
      { updateIntervalInMs: 10 },
    );
    await expect(failed).rejects.toMatchObject({
      statusCode: 400,
      code: "InsufficientSubnetSize",
      message: expect.stringMatching(
        /^Pre-allocated IPs 5020 exceeds IPs available 4091 in Subnet Cidr 172\.16\.0\.0\/20/,
      ),
    });
    await expect(clients.aks.managedClusters.get("rg-conf", "too-big")).rejects.toMatchObject({ statusCode: 404 });

    const deletion = await raw(
      "DELETE",
      `/subscriptions/${sub}/resourceGroups/rg-conf/providers/Microsoft.ContainerService/managedClusters/conf1?api-version=2026-04-01`,
    );
    expect(deletion.status).toBe(202);
    expect(deletion.headers["azure-asyncoperation"]).toBeDefined();
    expect(deletion.headers.location).toBeDefined();
    await clients.aks.managedClusters.delete("rg-conf", "missing-cluster", { updateIntervalInMs: 10 });
  });

  it("refuses service CIDR overlap and a DNS IP outside the service CIDR synchronously with AKS codes", async () => {
    const vnet = await clients.network.virtualNetworks.get("rg-conf", "aks-vnet");
    const identity = await clients.msi.userAssignedIdentities.get("rg-conf", "id1");
    const cluster = (networkProfile: Record<string, string>) => ({
      location: "eastus",
      identity: { type: "UserAssigned" as const, userAssignedIdentities: { [identity.id ?? ""]: {} } },
      dnsPrefix: "bad",
      agentPoolProfiles: [
        {
          name: "system",
          count: 1,
          vmSize: "Standard_D2s_v5",
          mode: "System" as const,
          vnetSubnetID: vnet.subnets?.[0]?.id ?? "",
        },
      ],
      networkProfile,
    });
    await expect(
      clients.aks.managedClusters.createOrUpdate(
        "rg-conf",
        "bad1",
        cluster({ networkPlugin: "kubenet", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" }),
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "ServiceCidrOverlapExistingSubnetsCidr",
    });
    await expect(
      clients.aks.managedClusters.createOrUpdate(
        "rg-conf",
        "bad2",
        cluster({ networkPlugin: "kubenet", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.1.0.10" }),
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "DnsServiceIpOutOfServiceCidr",
    });
  });
});

describe("fault injection seen by the real SDK", () => {
  it("a 429 without a retry header reaches the caller as-is; with retry-after-ms the SDK retries through it", async () => {
    sim.control.addFault({
      method: "GET",
      path: "/resourcegroups/rg-conf$",
      count: 1,
      status: 429,
      code: "SubscriptionRequestsThrottled",
    });
    await expect(clients.resources.resourceGroups.get("rg-conf")).rejects.toMatchObject({
      statusCode: 429,
      code: "SubscriptionRequestsThrottled",
    });
    sim.control.addFault({
      method: "GET",
      path: "/resourcegroups/rg-conf$",
      count: 2,
      status: 429,
      code: "SubscriptionRequestsThrottled",
      retryAfterMs: 10,
    });
    expect((await clients.resources.resourceGroups.get("rg-conf")).name).toBe("rg-conf");
    const log = sim.control.requestLog().filter((entry) => entry.path.endsWith("/resourcegroups/rg-conf"));
    expect(log.slice(-3).map((entry) => entry.status)).toEqual([429, 429, 200]);
    expect(log.at(-1)?.apiVersion).toBe("2025-04-01");
  });

  it("accepts fault rules over the /_sim HTTP control API, including connection resets", async () => {
    const added = await raw(
      "POST",
      "/_sim/faults",
      {
        method: "GET",
        path: "/userAssignedIdentities/id1$",
        count: 1,
        status: 503,
        code: "ServiceUnavailable",
        retryAfterMs: 5,
      },
      false,
    );
    expect(added.status).toBe(201);
    expect((await clients.msi.userAssignedIdentities.get("rg-conf", "id1")).name).toBe("id1");
    sim.control.addFault({ method: "GET", path: "/userAssignedIdentities/id1$", count: 10, status: 0, reset: true });
    await expect(clients.msi.userAssignedIdentities.get("rg-conf", "id1")).rejects.toBeDefined();
    sim.control.clearFaults();
    expect((await raw("GET", "/_sim/inventory", undefined, false)).body.length).toBeGreaterThan(3);
  });
});
