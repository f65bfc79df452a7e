/** Subnet sizing per pool, summed per subnet, at autoscaler maximum plus surge; StaticBlock vs dynamic pod subnets. */
import { describe, expect, it } from "vitest";
import { podSubnetIpsPerNode } from "../../src/domain/networkModes.js";
import { planCluster } from "../../src/domain/planner.js";
import { codesAt, example, patched, planned } from "./fixtures.js";

describe("pod-subnet addresses per node", () => {
  it.each([
    // maxPods, dynamic (16-IP batches), staticBlock (/28 blocks, one address per node reserved)
    [10, 16, 16],
    [15, 16, 16],
    [16, 16, 32],
    [30, 32, 32],
    [31, 32, 32],
    [32, 32, 48],
    [110, 112, 112],
    [111, 112, 112],
    [250, 256, 256],
  ])("maxPods %i → dynamic %i, staticBlock %i", (maxPods, dynamic, staticBlock) => {
    expect(podSubnetIpsPerNode(maxPods, "dynamic")).toBe(dynamic);
    expect(podSubnetIpsPerNode(maxPods, "staticBlock")).toBe(staticBlock);
  });
});

describe("subnet sizing", () => {
  it("sizes a user pool for maxCount, not count: the InsufficientSubnetSize trap", () => {
    // /27 = 27 usable; apps: count 3, max 20 + surge 2 = 22 fits; max 26 + 2 = 28 does not.
    const small = { "nodePools.1.nodeSubnet.addressPrefix": "10.80.4.0/27" };
    const fits = planned(patched(example("overlay-user-pools"), small));
    expect(fits.plan.subnets.find((s) => s.name === "snet-apps")).toMatchObject({
      usable: 27,
      consumedNow: 3,
      consumedAtSurge: 22,
    });
    const result = planCluster(patched(example("overlay-user-pools"), { ...small, "nodePools.1.maxCount": 26 }));
    expect(codesAt(result)).toEqual([["nodePools.1.nodeSubnet.addressPrefix", "subnet-too-small"]]);
    expect(!result.ok && result.violations[0]?.message).toContain("(max 26+2 surge) nodes × 1 need 28");
  });

  it("sums every pool sharing a subnet", () => {
    const shared = patched(example("overlay-user-pools"), {
      "nodePools.2.nodeSubnet": undefined,
      "network.podCidr": "10.244.0.0/15",
    });
    // snet-system /24 = 251 usable: system 3+1, batch 50+1.
    expect(planned(shared).plan.subnets[0]).toMatchObject({ name: "snet-system", consumedAtSurge: 55 });
    const full = patched(shared, { "nodePools.2.maxCount": 246 }); // 4 + 247 = 251: exactly full
    expect(planned(full).plan.subnets[0]).toMatchObject({ consumedAtSurge: 251, free: 0, headroomNodes: 0 });
    expect(codesAt(planCluster(patched(shared, { "nodePools.2.maxCount": 247 })))).toEqual([
      ["network.nodeSubnet.addressPrefix", "subnet-too-small"],
    ]);
  });

  it("node-subnet mode counts maxPods + 1 per node for each pool", () => {
    const input = patched(example("node-subnet"), {
      nodePool: undefined,
      nodePools: [
        { name: "system", mode: "System", count: 2, maxPods: 30, maxSurge: 1 },
        { name: "user", mode: "User", count: 1, maxPods: 50, maxSurge: 1 },
      ],
    });
    const { plan } = planned(input);
    expect(plan.pools.map((p) => [p.name, p.nodeSubnetIpsPerNode, p.vnetAddressesAtSurge])).toEqual([
      ["system", 31, 93],
      ["user", 51, 102],
    ]);
    expect(plan.subnets[0]?.consumedAtSurge).toBe(195);
  });

  it("StaticBlock needs whole /28 blocks at surge where dynamic batches still fit", () => {
    // pod subnet /25 = 123 usable; maxPods 32, 2+1 nodes: dynamic 3 × 32 = 96, static 3 × 48 = 144.
    const base = patched(example("pod-subnet-static-block"), {
      "network.podSubnet.addressPrefix": "10.40.16.0/25",
      "nodePool.maxPods": 32,
      "nodePool.count": 2,
    });
    expect(codesAt(planCluster(base))).toEqual([["network.podSubnet.addressPrefix", "subnet-too-small"]]);
    const dynamic = planned(patched(base, { "network.podIpAllocation": "dynamic" }));
    expect(dynamic.plan.subnets[1]).toMatchObject({ role: "pod", consumedNow: 64, consumedAtSurge: 96 });
  });

  it("the example StaticBlock pool takes two /28 blocks per node with maxPods 31", () => {
    const { plan, warnings } = planned(example("pod-subnet-static-block"));
    expect(plan.pools[0]).toMatchObject({ podSubnetIpsPerNode: 32, nodesAtSurge: 4 });
    expect(plan.subnets.map((s) => [s.role, s.consumedAtSurge])).toEqual([
      ["node", 4],
      ["pod", 128],
    ]);
    expect(warnings).toEqual([]);
  });

  it("a private cluster's endpoint takes one address in the system pool's node subnet", () => {
    // /29 = 3 usable: 2+1 nodes fit a public cluster, not a private one.
    const tight = { "network.nodeSubnet.addressPrefix": "10.60.0.0/29", "nodePool.count": 2 };
    expect(codesAt(planCluster(patched(example("overlay-udr-egress"), tight)))).toEqual([
      ["network.nodeSubnet.addressPrefix", "subnet-too-small"],
    ]);
    const vnetIntegrated = planned(
      patched(example("overlay-private-nat-gateway"), { ...tight, "network.nodeSubnet.addressPrefix": "10.50.0.0/29" }),
    );
    expect(vnetIntegrated.plan.subnets[0]).toMatchObject({ consumedAtSurge: 3 });
  });

  it("reports the API server subnet with AKS's 9 reserved addresses", () => {
    const { plan } = planned(example("overlay-private-nat-gateway"));
    expect(plan.apiServer).toEqual({ private: true, vnetIntegration: true, subnet: "snet-apiserver", reservedIps: 9 });
    expect(plan.subnets.find((s) => s.role === "api-server")).toMatchObject({
      usable: 11,
      consumedAtSurge: 9,
      free: 2,
    });
  });

  it("counts the pod CIDR per node over all pools", () => {
    // overlay pod CIDR /22 holds 4 nodes' /24s; system 3+1 fits, a 1-node user pool (1+1) does not.
    const input = patched(example("overlay"), { "network.podCidr": "192.168.0.0/22" });
    expect(planned(input).plan.podCidr).toMatchObject({ maxNodes: 4 });
    const more = patched(input, {
      nodePool: undefined,
      nodePools: [
        { name: "system", mode: "System", count: 3 },
        { name: "user", mode: "User", count: 1 },
      ],
    });
    expect(codesAt(planCluster(more))).toEqual([["network.podCidr", "pod-cidr-too-small"]]);
  });
});
