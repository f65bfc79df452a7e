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
  ] as const)("%s is provisionable today", (name) => {
    expect(paths(name)).toEqual([]);
  });

  it.each([
    ["overlay-private-nat-gateway", ["network.outbound.type", "apiServer.private", "apiServer.vnetIntegration"]],
    ["overlay-udr-egress", ["network.outbound.type", "apiServer.private"]],
    ["overlay-user-pools", ["nodePools", "nodePools", "nodePools"]],
  ] as const)("%s names %j", (name, expected) => {
    const found = paths(name);
    expect(found.map(([path]) => path)).toEqual(expected);
    expect(new Set(found.map(([, code]) => code))).toEqual(new Set(["not-yet-provisionable"]));
  });

  it("a VNet in another subscription is provisionable: it is used there (audit D7)", () => {
    const id =
      "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
    expect(paths("kubenet", { "network.vnet": { id } })).toEqual([]);
  });

  it("the Cilium dataplane is provisioned with or without Cilium network policy", () => {
    expect(paths("overlay-cilium", { "network.networkPolicy": "none" })).toEqual([]);
  });
});
