/**
 * The contract check itself: the kept spec parts say where they come from and hold no description text, and the
 * validator refuses what Azure's spec refuses (so a clean e2e report means something).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkBody, checkExchanges, operationFor, specFiles } from "./armContract.js";

const aks = "containerservice-2026-10-01.json";
const subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes";
const clusterPath = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1";

const cluster = () => ({
  location: "eastus2",
  identity: { type: "UserAssigned", userAssignedIdentities: { "/subscriptions/s/x": {} } },
  properties: {
    dnsPrefix: "c1",
    agentPoolProfiles: [
      { name: "system", mode: "System", count: 3, vnetSubnetID: subnet, upgradeSettings: { maxSurge: "1" } },
    ],
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "192.168.0.0/16" },
  },
});

/** Where a kept file holds description text (a `description` property of a schema is a name, not text). */
function descriptionTexts(node: unknown, path = ""): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => descriptionTexts(item, `${path}[${index}]`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "description" && typeof value === "string" ? [path] : descriptionTexts(value, `${path}.${key}`),
  );
}

describe("the kept spec parts", () => {
  it("record their azure-rest-api-specs source path and commit, and keep no description text", () => {
    expect(specFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of specFiles) {
      expect(file.source.repo).toBe("Azure/azure-rest-api-specs");
      expect(file.source.path).toMatch(/^specification\/.+\.json$/);
      expect(file.source.commit).toMatch(/^[0-9a-f]{40}$/);
      const text = readFileSync(fileURLToPath(new URL(`./specs/${file.file}`, import.meta.url)), "utf8");
      expect(descriptionTexts(JSON.parse(text)), file.file).toEqual([]);
    }
  });

  it("match the product's operations by method, path and api-version only", () => {
    expect(operationFor({ method: "PUT", path: clusterPath, apiVersion: "2026-10-01" })?.operation.operationId).toBe(
      "ManagedClusters_CreateOrUpdate",
    );
    expect(operationFor({ method: "PUT", path: clusterPath, apiVersion: "2026-04-01" })).toBeUndefined();
    expect(
      operationFor({ method: "PUT", path: `${clusterPath}/agentPools/apps`, apiVersion: "2026-10-01" })?.operation
        .operationId,
    ).toBe("AgentPools_CreateOrUpdate");
  });
});

describe("the validator refuses what the spec refuses", () => {
  it("accepts the product's shape of cluster body", () => {
    expect(checkBody(aks, "ManagedCluster", cluster(), "request")).toEqual([]);
  });

  it("a property the version does not declare (diskCSIDriver.version is preview-only)", () => {
    const answer = { ...cluster(), id: clusterPath, name: "c1", type: "Microsoft.ContainerService/ManagedClusters" };
    const properties = { ...answer.properties, storageProfile: { diskCSIDriver: { enabled: true, version: "v1" } } };
    expect(checkBody(aks, "ManagedCluster", { ...answer, properties }, "response")).toEqual([
      { path: "body.properties.storageProfile.diskCSIDriver.version", message: "not declared by the spec" },
    ]);
  });

  it("readOnly properties in a request, a missing required property, a wrong type, a closed pattern", () => {
    const body: Record<string, any> = cluster();
    delete body.location;
    body.eTag = "x";
    body.properties.agentPoolProfiles[0].count = "3";
    body.properties.agentPoolProfiles[0].name = "System_Pool";
    body.properties.networkProfile.serviceCidr = "10.0.0.0/99";
    expect(checkBody(aks, "ManagedCluster", body, "request")).toEqual(
      expect.arrayContaining([
        { path: "body.location", message: "required, missing" },
        { path: "body.eTag", message: "readOnly property sent in a request" },
        { path: "body.properties.agentPoolProfiles[0].count", message: "is string, the spec says integer" },
        expect.objectContaining({ path: "body.properties.agentPoolProfiles[0].name" }),
        expect.objectContaining({ path: "body.properties.networkProfile.serviceCidr" }),
      ]),
    );
  });

  it("holds NAT gateways and public IPs to network 2026-01-01 (StandardV2 is a SKU there)", () => {
    const gateway = {
      location: "eastus2",
      sku: { name: "StandardV2" },
      properties: { publicIpAddresses: [{ id: "x" }] },
    };
    expect(checkBody("natGateway-2026-01-01.json", "NatGateway", gateway, "request")).toEqual([]);
    const wrong = { ...gateway, properties: { ...gateway.properties, subnets: [{ id: "y" }], outboundIps: [] } };
    expect(checkBody("natGateway-2026-01-01.json", "NatGateway", wrong, "request")).toEqual([
      { path: "body.properties.subnets", message: "readOnly property sent in a request" },
      { path: "body.properties.outboundIps", message: "not declared by the spec" },
    ]);
    const ip = { location: "eastus2", sku: { name: "StandardV2", tier: "Regional" }, properties: {} };
    expect(checkBody("publicIpAddress-2026-01-01.json", "PublicIPAddress", ip, "request")).toEqual([]);
  });

  it("keeps modelAsString enums open, as Azure's own validator does", () => {
    const body = cluster();
    body.properties.networkProfile.networkPluginMode = "futureMode";
    expect(checkBody(aks, "ManagedCluster", body, "request")).toEqual([]);
  });

  it("reports a success status the operation does not declare, and skips error answers", () => {
    const base = { method: "PUT", path: clusterPath, apiVersion: "2026-10-01", requestBody: cluster() };
    expect(checkExchanges([{ ...base, status: 202, responseBody: undefined }]).violations).toEqual([
      expect.objectContaining({ where: "response", message: "status not in the spec" }),
    ]);
    const error = { error: { code: "InvalidParameter", message: "m", subcode: "" } };
    expect(checkExchanges([{ ...base, status: 400, responseBody: error }]).violations).toEqual([]);
  });
});

describe("every call has a spec on record", () => {
  const rg = "/subscriptions/s/resourcegroups/rg";
  const vnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";

  it("refuses a call whose method, path and api-version no kept operation nor outsideSpec row describes", () => {
    const exchange = { method: "GET", path: rg, requestBody: undefined, status: 200, responseBody: { location: "x" } };
    expect(checkExchanges([{ ...exchange, apiVersion: "2025-04-01" }]).violations).toEqual([]);
    for (const unknown of [
      { ...exchange, apiVersion: "2024-03-01" },
      { ...exchange, method: "PATCH", apiVersion: "2025-04-01" },
      { ...exchange, path: `${rg}/providers/Microsoft.Web/sites/app`, apiVersion: "2025-04-01" },
    ])
      expect(checkExchanges([unknown]).violations).toEqual([
        expect.objectContaining({ message: "no spec on record for this method, path and api-version" }),
      ]);
  });

  it("matches role assignments at any scope ({scope} spans segments)", () => {
    const name = "00000000-0000-0000-0000-000000000001";
    for (const scope of [rg, `${vnet}/subnets/nodes`])
      expect(
        operationFor({
          method: "PUT",
          path: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
          apiVersion: "2022-04-01",
        })?.operation.operationId,
      ).toBe("RoleAssignments_Create");
  });

  it("holds the async-operation status URLs to common-types' OperationStatusResult", () => {
    const path = "/subscriptions/s/providers/Microsoft.Network/locations/eastus2/operations/op1";
    const poll = { method: "GET", path, apiVersion: "2026-01-01", requestBody: undefined, status: 200 };
    const report = checkExchanges([{ ...poll, responseBody: { name: "op1", status: "InProgress" } }]);
    expect(report).toMatchObject({ violations: [], outsideSpec: [{ code: "nrp-operation-status", status: 200 }] });
    expect(checkExchanges([{ ...poll, responseBody: { name: "op1", state: "InProgress" } }]).violations).toEqual([
      expect.objectContaining({ path: "body.status", message: "required, missing" }),
      expect.objectContaining({ path: "body.state", message: "not declared by the spec" }),
    ]);
  });

  it("refuses a bad subnet, VNet, identity and role assignment body", () => {
    const network = "virtualNetwork-2026-01-01.json";
    expect(
      checkBody(network, "Subnet", { properties: { addressPrefix: "10.0.0.0/24", delegations: [] } }, "request"),
    ).toEqual([]);
    expect(
      checkBody(network, "Subnet", { properties: { addressPrefix: 10, provisioningState: "Succeeded" } }, "request"),
    ).toEqual([
      { path: "body.properties.addressPrefix", message: "is integer, the spec says string" },
      { path: "body.properties.provisioningState", message: "readOnly property sent in a request" },
    ]);
    expect(
      checkBody(network, "VirtualNetwork", { location: "x", properties: { addressSpace: [] } }, "request"),
    ).toEqual([{ path: "body.properties.addressSpace", message: "is array, the spec says object" }]);
    const identity = { location: "x", properties: { principalId: "p" } };
    expect(checkBody("managedIdentity-2024-11-30.json", "Identity", identity, "request")).toEqual([
      { path: "body.properties.principalId", message: "readOnly property sent in a request" },
    ]);
    const assignment = { properties: { roleDefinitionId: "r", principalType: "ServicePrincipal" } };
    expect(
      checkBody("roleAssignments-2022-04-01.json", "RoleAssignmentCreateParameters", assignment, "request"),
    ).toEqual([{ path: "body.properties.principalId", message: "required, missing" }]);
  });
});

describe("null in answers", () => {
  const assignment = (extra: Record<string, unknown>) => ({
    id: "/x",
    name: "a",
    type: "Microsoft.Authorization/roleAssignments",
    properties: { roleDefinitionId: "r", principalId: "p", ...extra },
  });
  const file = "roleAssignments-2022-04-01.json";

  it("is accepted for an optional property of an answer, as oav and the live service have it", () => {
    expect(checkBody(file, "RoleAssignment", assignment({ condition: null, description: null }), "response")).toEqual(
      [],
    );
  });

  it("is refused for a required property, and anywhere in a request", () => {
    expect(checkBody(file, "RoleAssignment", assignment({ principalId: null }), "response")).toEqual([
      { path: "body.properties.principalId", message: "is null, the spec says string" },
    ]);
    expect(
      checkBody(
        file,
        "RoleAssignmentCreateParameters",
        { properties: { ...assignment({}).properties, condition: null } },
        "request",
      ),
    ).toEqual([{ path: "body.properties.condition", message: "is null, the spec says string" }]);
  });
});
