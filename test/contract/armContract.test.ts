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

describe("the kept spec parts", () => {
  it("record their azure-rest-api-specs source path and commit, and keep no description text", () => {
    expect(specFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of specFiles) {
      expect(file.source.repo).toBe("Azure/azure-rest-api-specs");
      expect(file.source.path).toMatch(/^specification\/.+\.json$/);
      expect(file.source.commit).toMatch(/^[0-9a-f]{40}$/);
      const text = readFileSync(fileURLToPath(new URL(`./specs/${file.file}`, import.meta.url)), "utf8");
      expect(text).not.toMatch(/"description"\s*:/);
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
