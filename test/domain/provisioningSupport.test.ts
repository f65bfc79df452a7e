/** What the orchestration cannot build yet is named per field, so POST /api/clusters never silently drops one. */
import { describe, expect, it } from "vitest";
import { unsupportedForProvisioning } from "../../src/domain/provisioningSupport.js";
import { example, patched, planned, type ExampleName } from "./fixtures.js";

const paths = (name: ExampleName, patch: Record<string, unknown> = {}) =>
  unsupportedForProvisioning(planned(patched(example(name), patch)).request).map((v) => [v.path, v.code]);

describe("unsupportedForProvisioning", () => {
  it.each([
    "overlay",
    "pod-subnet",
    "node-subnet",
    "kubenet",
    "overlay-cilium",
    "pod-subnet-static-block",
    "overlay-dual-stack",
    "overlay-user-pools",
    "overlay-private-nat-gateway",
    "overlay-udr-egress",
  ] as const)("%s is provisionable today", (name) => {
    expect(paths(name)).toEqual([]);
  });

  it("a VNet in another subscription is provisionable: it is used there (audit D7)", () => {
    const id =
      "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
    expect(paths("kubenet", { "network.vnet": { id } })).toEqual([]);
  });

  it("API server access is provisioned; only the demo workload on a private cluster is named", () => {
    expect(paths("overlay-private-nat-gateway", { "network.outbound": { type: "loadBalancer" } })).toEqual([]);
    expect(paths("overlay", { apiServer: { authorizedIpRanges: ["203.0.113.0/24"] } })).toEqual([]);
    expect(
      paths("overlay-private-nat-gateway", {
        "network.outbound": { type: "loadBalancer" },
        verify: { demoWorkload: true },
      }),
    ).toEqual([["verify.demoWorkload", "not-yet-provisionable"]]);
  });

  it("every outbound type is provisionable: NAT gateway, user-defined routing and none", () => {
    expect(paths("overlay-udr-egress", { apiServer: {} })).toEqual([]);
    expect(paths("overlay", { "network.outbound": { type: "userAssignedNATGateway" } })).toEqual([]);
    expect(paths("overlay", { "network.outbound": { type: "none" } })).toEqual([]);
  });

  it("the Cilium dataplane is provisioned with or without Cilium network policy", () => {
    expect(paths("overlay-cilium", { "network.networkPolicy": "none" })).toEqual([]);
  });
});
