import { describe, expect, it } from "vitest";
import { nodeResourceGroupName, provisioningId, roleAssignmentName, subnetId } from "../../src/domain/names.js";

describe("deterministic names", () => {
  it("derives one provisioning id per subscription/resource group/cluster, ignoring case", () => {
    const id = provisioningId("11111111-2222-3333-4444-555555555555", "rg-AKS", "aks1");
    expect(id).toMatch(/^c[0-9a-f]{24}$/);
    expect(provisioningId("11111111-2222-3333-4444-555555555555", "rg-aks", "AKS1")).toBe(id);
    expect(provisioningId("11111111-2222-3333-4444-555555555555", "rg-aks", "aks2")).not.toBe(id);
  });

  it("makes role-assignment names valid GUIDs that depend on scope, principal and role only", () => {
    const scope = subnetId("s", "rg", "vnet", "nodes");
    const name = roleAssignmentName(scope, "p1", "4d97b98b-1d4f-4787-a291-c67834d212e7");
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(
      roleAssignmentName(scope.toUpperCase().replace(/^\//, ""), "P1", "4D97B98B-1D4F-4787-A291-C67834D212E7"),
    ).toBe(name);
    expect(roleAssignmentName(scope, "p2", "4d97b98b-1d4f-4787-a291-c67834d212e7")).not.toBe(name);
  });

  it("names the node resource group as AKS does, within 80 characters", () => {
    expect(nodeResourceGroupName("rg-aks", "aks1", "eastus2")).toBe("MC_rg-aks_aks1_eastus2");
    expect(nodeResourceGroupName("r".repeat(90), "c", "eastus")).toHaveLength(80);
  });
});
