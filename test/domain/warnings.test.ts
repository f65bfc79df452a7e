/** Allowed but unwise: warnings with paths and stable codes, returned beside the plan (and beside violations). */
import { describe, expect, it } from "vitest";
import { planCluster } from "../../src/domain/planner.js";
import { warningRules } from "../../src/domain/planner/ruleTable.js";
import { example, patched, warningCodes, type ExampleName } from "./fixtures.js";

const cases: { name: string; base: ExampleName; patch: Record<string, unknown>; expected: [string, string][] }[] = [
  { name: "a new kubenet cluster", base: "kubenet", patch: {}, expected: [["network.mode", "kubenet-retiring"]] },
  { name: "Azure NPM", base: "node-subnet", patch: {}, expected: [["network.networkPolicy", "azure-npm-retiring"]] },
  { name: "the new examples", base: "overlay-cilium", patch: {}, expected: [] },
  {
    name: "StaticBlock with maxPods 30 (not 16N−1)",
    base: "pod-subnet-static-block",
    patch: { "nodePool.maxPods": 30 },
    expected: [["nodePool.maxPods", "static-block-max-pods-waste"]],
  },
  {
    name: "a NAT gateway in another subscription",
    base: "overlay-private-nat-gateway",
    patch: {
      "network.outbound.natGateway": {
        id: "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/natGateways/ng-hub",
      },
    },
    expected: [["network.outbound.natGateway.id", "resource-in-other-subscription"]],
  },
  {
    name: "outbound none",
    base: "overlay-private-nat-gateway",
    patch: { "network.outbound": { type: "none" } },
    expected: [["network.outbound.type", "outbound-none-needs-egress"]],
  },
  {
    name: "UDR with a public API server",
    base: "overlay-udr-egress",
    patch: { "apiServer.private": false },
    expected: [["network.outbound.type", "public-api-server-via-egress"]],
  },
  {
    name: "authorized ranges with NAT gateway egress",
    base: "overlay-private-nat-gateway",
    patch: { apiServer: { authorizedIpRanges: ["203.0.113.0/24"] }, "network.apiServerSubnet": undefined },
    expected: [["apiServer.authorizedIpRanges", "authorized-ranges-need-egress-ip"]],
  },
];

describe("warnings", () => {
  it.each(cases)("$name", ({ base, patch, expected }) => {
    const input = patched(example(base), patch);
    expect(planCluster(input).ok).toBe(true);
    expect(warningCodes(input)).toEqual(expected);
  });

  it("come with violations too, so a refused kubenet request still learns about the retirement", () => {
    const result = planCluster(patched(example("kubenet"), { "network.dnsServiceIp": "10.0.0.0" }));
    expect(result.ok).toBe(false);
    expect(result.warnings.map((w) => w.code)).toEqual(["kubenet-retiring"]);
  });

  it("every warning code is exercised", () => {
    const tested = new Set(cases.flatMap((c) => c.expected.map(([, code]) => code)));
    expect(warningRules.flatMap((rule) => rule.codes).filter((code) => !tested.has(code))).toEqual([]);
  });
});
