/**
 * API server access in the simulator through the real SDK clients: apiServerAccessProfile refused at the PUT as AKS
 * refuses it (delegation, size, VNet, authorized ranges with private), a private cluster's private FQDN and a kubeconfig
 * that names it, and AKS run command (runCommand → commandResults) running a small kubectl against the cluster's store.
 */
import { isRestError } from "@azure/core-rest-pipeline";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorAppSettings, startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { createAzureClientFactory, type AzureClients } from "../../src/azure/clients.js";
import { loadConfig } from "../../src/config.js";
import { builtInRoles, roleAssignmentName } from "../../src/domain/names.js";

const sub = "55555555-6666-7777-8888-999999999999";
const rg = "rg-apiserver";
let sim: AzureSimulator;
let clients: AzureClients;
let identityId: string;
let subnetIds: Record<string, string>;

const delegated = [{ name: "aks", serviceName: "Microsoft.ContainerService/managedClusters" }];

beforeAll(async () => {
  sim = await startAzureSimulator({ port: 0, timeScale: 0.001, emitRetryAfter: false, principalNotFoundWindowMs: 0 });
  clients = createAzureClientFactory(loadConfig(simulatorAppSettings(sim)).azure)(sub);
  await clients.resources.resourceGroups.createOrUpdate(rg, { location: "eastus2" });
  const vnet = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet", {
    location: "eastus2",
    addressSpace: { addressPrefixes: ["10.50.0.0/16"] },
    subnets: [
      { name: "nodes", addressPrefix: "10.50.0.0/22" },
      { name: "apiserver", addressPrefix: "10.50.4.0/28", delegations: delegated },
      { name: "bare", addressPrefix: "10.50.4.16/28" },
      { name: "tiny", addressPrefix: "10.50.4.32/29", delegations: delegated },
      {
        name: "web",
        addressPrefix: "10.50.4.48/28",
        delegations: [{ name: "w", serviceName: "Microsoft.Web/serverFarms" }],
      },
    ],
  });
  const other = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "other", {
    location: "eastus2",
    addressSpace: { addressPrefixes: ["10.60.0.0/16"] },
    subnets: [{ name: "apiserver", addressPrefix: "10.60.0.0/28", delegations: delegated }],
  });
  subnetIds = Object.fromEntries((vnet.subnets ?? []).map((subnet) => [subnet.name ?? "", subnet.id ?? ""]));
  subnetIds.otherVnet = other.subnets?.[0]?.id ?? "";
  const identity = await clients.msi.userAssignedIdentities.createOrUpdate(rg, "id", { location: "eastus2" });
  identityId = identity.id ?? "";
  for (const scope of [subnetIds.nodes ?? "", subnetIds.apiserver ?? "", subnetIds.otherVnet]) {
    await clients.authorization.roleAssignments.create(
      scope.slice(1),
      roleAssignmentName(scope, identity.principalId ?? "", builtInRoles.networkContributor),
      {
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles.networkContributor}`,
        principalId: identity.principalId ?? "",
        principalType: "ServicePrincipal",
      },
    );
  }
}, 30_000);

afterAll(async () => {
  await sim?.close();
});

function body(access: ManagedCluster["apiServerAccessProfile"]): ManagedCluster {
  return {
    location: "eastus2",
    identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } },
    dnsPrefix: "aks",
    agentPoolProfiles: [
      { name: "system", mode: "System", count: 2, vmSize: "Standard_D2s_v5", vnetSubnetID: subnetIds.nodes ?? "" },
    ],
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "192.168.0.0/16" },
    apiServerAccessProfile: access,
  };
}

async function refusal(name: string, access: ManagedCluster["apiServerAccessProfile"]) {
  try {
    await clients.containerService.managedClusters.createOrUpdate(rg, name, body(access)).submitted();
  } catch (error) {
    if (!isRestError(error)) throw error;
    return { status: error.statusCode, code: error.code, message: error.message };
  }
  throw new Error(`${name} was accepted`);
}

describe("apiServerAccessProfile at the PUT", () => {
  it.each([
    [
      "not delegated",
      { enableVnetIntegration: true, subnetId: "bare" },
      "ApiserverSubnetConfigError",
      /delegated to Microsoft\.ContainerService\/managedClusters/,
    ],
    [
      "delegated elsewhere",
      { enableVnetIntegration: true, subnetId: "web" },
      "ApiserverSubnetConfigError",
      /Microsoft\.Web\/serverFarms/,
    ],
    [
      "smaller than /28",
      { enableVnetIntegration: true, subnetId: "tiny" },
      "ApiserverSubnetConfigError",
      /minimum size is \/28/,
    ],
    [
      "in another VNet",
      { enableVnetIntegration: true, subnetId: "otherVnet" },
      "ApiserverSubnetConfigError",
      /same virtual network/,
    ],
    [
      "the node subnet",
      { enableVnetIntegration: true, subnetId: "nodes" },
      "ApiserverSubnetConfigError",
      /API servers only/,
    ],
    ["without a subnet", { enableVnetIntegration: true }, "InvalidParameter", /subnetId is required/],
  ])("refuses an API server subnet %s", async (_case, access, code, message) => {
    const { subnetId, ...rest } = access as { subnetId?: string; enableVnetIntegration: boolean };
    const refused = await refusal(`c-${code}-${String(subnetId)}`.toLowerCase().slice(0, 40), {
      ...rest,
      ...(subnetId === undefined ? {} : { subnetId: subnetIds[subnetId] ?? "" }),
    });
    expect(refused).toMatchObject({ status: 400, code });
    expect(refused.message).toMatch(message);
  });

  it("refuses authorized IP ranges on a private cluster, and a malformed range", async () => {
    expect(
      await refusal("c-ranges", { enablePrivateCluster: true, authorizedIPRanges: ["203.0.113.0/24"] }),
    ).toMatchObject({
      status: 400,
      code: "InvalidParameter",
    });
    expect(await refusal("c-bad-range", { authorizedIPRanges: ["203.0.113.0/33"] })).toMatchObject({ status: 400 });
    expect(await clients.containerService.managedClusters.list().next()).toMatchObject({ done: true });
  });
});

describe("a private, VNet-integrated cluster", () => {
  let cluster: ManagedCluster;
  beforeAll(async () => {
    cluster = await clients.containerService.managedClusters.createOrUpdate(
      rg,
      "private",
      body({ enablePrivateCluster: true, enableVnetIntegration: true, subnetId: subnetIds.apiserver ?? "" }),
    );
  }, 30_000);

  it("reports its private FQDN and the profile, and hands out a kubeconfig naming the private FQDN", async () => {
    expect(cluster.provisioningState).toBe("Succeeded");
    expect(cluster.privateFqdn).toMatch(/^aks-[0-9a-f]{8}\.[0-9a-f-]{36}\.privatelink\.eastus2\.azmk8s\.io$/);
    expect(cluster.apiServerAccessProfile).toMatchObject({
      enablePrivateCluster: true,
      enableVnetIntegration: true,
      subnetId: subnetIds.apiserver,
      privateDNSZone: "system",
    });
    const credentials = await clients.containerService.managedClusters.listClusterAdminCredentials(rg, "private");
    const kubeconfig = Buffer.from(credentials.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8");
    expect(kubeconfig).toContain(`server: https://${cluster.privateFqdn ?? ""}:443`);
    expect(kubeconfig).not.toContain("127.0.0.1");
  });

  it("runs kubectl get nodes / pods -o json through run command, with the specs' result shape", async () => {
    const nodes = await clients.containerService.managedClusters
      .runCommand(rg, "private", { command: "kubectl get nodes -o json" }, { updateIntervalInMs: 5 })
      .pollUntilDone();
    expect(nodes).toMatchObject({ provisioningState: "succeeded", exitCode: 0 });
    expect(nodes.id).toMatch(/^[0-9a-f]{32}$/);
    expect(nodes.startedAt).toBeInstanceOf(Date);
    const nodeList = JSON.parse(nodes.logs ?? "") as { kind: string; items: { kind: string }[] };
    expect(nodeList.kind).toBe("List");
    expect(nodeList.items).toHaveLength(2);
    expect(nodeList.items.every((item) => item.kind === "Node")).toBe(true);

    const all = await clients.containerService.managedClusters
      .runCommand(rg, "private", { command: "kubectl get pods -A -o json" }, { updateIntervalInMs: 5 })
      .pollUntilDone();
    const system = await clients.containerService.managedClusters
      .runCommand(rg, "private", { command: "kubectl get pods -n kube-system -o json" }, { updateIntervalInMs: 5 })
      .pollUntilDone();
    const namespaces = (logs: string | undefined) =>
      new Set(
        (JSON.parse(logs ?? "") as { items: { metadata: { namespace: string } }[] }).items.map(
          (p) => p.metadata.namespace,
        ),
      );
    expect(namespaces(all.logs).size).toBeGreaterThan(0);
    expect([...namespaces(system.logs)]).toEqual(["kube-system"]);
  });

  it("answers what it does not simulate as kubectl or a shell would: non-zero exit and an error", async () => {
    const run = (command: string) =>
      clients.containerService.managedClusters
        .runCommand(rg, "private", { command }, { updateIntervalInMs: 5 })
        .pollUntilDone();
    expect(await run("kubectl apply -f ns.yaml")).toMatchObject({
      exitCode: 1,
      logs: expect.stringMatching(/^error: /),
    });
    expect(await run("kubectl get secrets -o json")).toMatchObject({
      exitCode: 1,
      logs: 'error: the server doesn\'t have a resource type "secrets"\n',
    });
    expect(await run("kubectl get nodes")).toMatchObject({ exitCode: 1 });
    expect(await run("ls /")).toMatchObject({ exitCode: 127, logs: "bash: ls: command not found\n" });
  });

  it("answers 202 with a Location until the command finished, and 404 for an unknown command", async () => {
    let location: string | null = null;
    await clients.containerService.managedClusters
      .runCommand(
        rg,
        "private",
        { command: "kubectl get nodes -o json" },
        {
          onResponse: (response) => (location ??= response.headers.get("location") ?? null),
        },
      )
      .submitted();
    expect(location).toMatch(/\/managedClusters\/private\/commandResults\/[0-9a-f]{32}\?api-version=/);
    await expect(
      clients.containerService.managedClusters.getCommandResult(rg, "private", "0".repeat(32)),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("a public cluster with authorized IP ranges", () => {
  it("keeps its public FQDN and the ranges, and no private FQDN", async () => {
    const cluster = await clients.containerService.managedClusters.createOrUpdate(
      rg,
      "ranges",
      body({ authorizedIPRanges: ["203.0.113.0/24", "198.51.100.7"] }),
    );
    expect(cluster.fqdn).toMatch(/\.hcp\.eastus2\.azmk8s\.io$/);
    expect(cluster.privateFqdn).toBeUndefined();
    expect(cluster.apiServerAccessProfile?.authorizedIPRanges).toEqual(["203.0.113.0/24", "198.51.100.7"]);
  });
});
