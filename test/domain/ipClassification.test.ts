import { describe, expect, it } from "vitest";
import { classifyIpPlacement, expectedRangesFor, type ExpectedRanges } from "../../src/domain/ipClassification.js";
import { example, planned } from "./fixtures.js";

const node = (name: string, internalIp: string | null) => ({ name, internalIp });
const pod = (name: string, ip: string | null, hostNetwork = false, phase = "Running") => ({
  namespace: "kube-system",
  name,
  ip,
  hostNetwork,
  phase,
});

const ranges: Record<string, ExpectedRanges> = {
  "pod-subnet": { mode: "pod-subnet", nodeSubnetCidr: "10.243.0.0/16", podSubnetCidr: "10.242.0.0/16", podCidr: null },
  "node-subnet": { mode: "node-subnet", nodeSubnetCidr: "10.10.0.0/22", podSubnetCidr: null, podCidr: null },
  kubenet: { mode: "kubenet", nodeSubnetCidr: "172.16.0.0/20", podSubnetCidr: null, podCidr: "10.16.0.0/16" },
  overlay: { mode: "overlay", nodeSubnetCidr: "10.20.0.0/24", podSubnetCidr: null, podCidr: "192.168.0.0/16" },
};

describe("classifyIpPlacement", () => {
  it.each([
    ["pod-subnet", "10.243.0.4", "10.242.0.17", "pod-subnet"],
    ["node-subnet", "10.10.0.4", "10.10.0.35", "node-subnet"],
    ["kubenet", "172.16.0.4", "10.16.1.7", "pod-cidr"],
    ["overlay", "10.20.0.4", "192.168.3.9", "pod-cidr"],
  ])(
    "%s: nodes and hostNetwork pods in the node subnet, other pods in the %s's range",
    (mode, nodeIp, podIp, podRange) => {
      const result = classifyIpPlacement(ranges[mode]!, {
        nodes: [node("n0", nodeIp)],
        pods: [pod("kube-proxy-x", nodeIp, true), pod("coredns-x", podIp)],
      });
      expect(result.passed).toBe(true);
      expect(result.nodes[0]).toMatchObject({ expected: "node-subnet", actual: "node-subnet", ok: true });
      expect(result.pods.map((p) => [p.name, p.expected, p.actual, p.ok])).toEqual([
        ["kube-proxy-x", "node-subnet", "node-subnet", true],
        ["coredns-x", podRange, podRange, true],
      ]);
      expect(result.summary).toEqual({ nodes: 1, pods: 2, hostNetworkPods: 1, mismatches: 0, pendingPods: 0 });
    },
  );

  it("flags a pod that landed in the node subnet in pod-subnet mode", () => {
    const result = classifyIpPlacement(ranges["pod-subnet"]!, {
      nodes: [node("n0", "10.243.0.4")],
      pods: [pod("coredns", "10.243.0.40")],
    });
    expect(result.passed).toBe(false);
    expect(result.pods[0]).toMatchObject({ expected: "pod-subnet", actual: "node-subnet", ok: false });
    expect(result.summary.mismatches).toBe(1);
  });

  it("flags a hostNetwork pod outside the node subnet and a node outside every range", () => {
    const result = classifyIpPlacement(ranges.kubenet!, {
      nodes: [node("n0", "192.168.1.4")],
      pods: [pod("kube-proxy", "10.16.0.5", true)],
    });
    expect(result.nodes[0]).toMatchObject({ actual: "outside", ok: false });
    expect(result.pods[0]).toMatchObject({ expected: "node-subnet", actual: "pod-cidr", ok: false });
    expect(result.summary.mismatches).toBe(2);
  });

  it("counts pods without an IP as pending, and not ok", () => {
    const result = classifyIpPlacement(ranges.overlay!, {
      nodes: [node("n0", null)],
      pods: [pod("metrics-server", null, false, "Pending")],
    });
    expect(result.passed).toBe(false);
    expect(result.nodes[0]!.actual).toBe("none");
    expect(result.summary.pendingPods).toBe(1);
  });

  it("treats garbage IPs as outside", () => {
    expect(classifyIpPlacement(ranges.overlay!, { nodes: [], pods: [pod("p", "not-an-ip")] }).pods[0]!.actual).toBe(
      "outside",
    );
  });
});

describe("per-pool placement", () => {
  it("expectedRangesFor lists every pool's subnets for a multi-pool cluster, and none for one pool", () => {
    expect(expectedRangesFor(planned(example("pod-subnet")).request)).toEqual({
      mode: "pod-subnet",
      nodeSubnetCidr: "10.243.0.0/16",
      podSubnetCidr: "10.242.0.0/16",
      podCidr: null,
    });
    expect(expectedRangesFor(planned(example("overlay-user-pools")).request)).toMatchObject({
      mode: "overlay",
      podCidr: "10.244.0.0/16",
      pools: [
        { name: "system", nodeSubnetCidr: "10.80.0.0/24", podSubnetCidr: null },
        { name: "apps", nodeSubnetCidr: "10.80.4.0/22", podSubnetCidr: null },
        { name: "batch", nodeSubnetCidr: "10.80.8.0/22", podSubnetCidr: null },
      ],
    });
  });

  it("a node labelled with its pool must be in that pool's subnet, not just any node subnet", () => {
    const expected = expectedRangesFor(planned(example("overlay-user-pools")).request);
    const result = classifyIpPlacement(expected, {
      nodes: [
        { name: "aks-system-0", internalIp: "10.80.0.4", pool: "system" },
        { name: "aks-apps-0", internalIp: "10.80.4.4", pool: "apps" },
        { name: "aks-batch-0", internalIp: "10.80.4.5", pool: "batch" },
        { name: "unlabelled", internalIp: "10.80.8.4" },
      ],
      pods: [
        { ...pod("kube-proxy-b", "10.80.4.5", true), nodeName: "aks-batch-0" },
        { ...pod("coredns-x", "10.244.3.7"), nodeName: "aks-apps-0" },
      ],
    });
    expect(result.nodes.map((n) => [n.name, n.ok, n.pool ?? null, n.expectedCidr ?? null])).toEqual([
      ["aks-system-0", true, "system", "10.80.0.0/24"],
      ["aks-apps-0", true, "apps", "10.80.4.0/22"],
      ["aks-batch-0", false, "batch", "10.80.8.0/22"],
      ["unlabelled", true, null, null],
    ]);
    expect(result.pods.map((p) => [p.name, p.ok])).toEqual([
      ["kube-proxy-b", false],
      ["coredns-x", true],
    ]);
    expect(result.summary.mismatches).toBe(2);
  });
});
