/**
 * Classifies observed node and pod IPs against the plan: nodes and hostNetwork pods belong in the node subnet; other
 * pods in the pod subnet (pod-subnet), the node subnet (node-subnet) or the pod CIDR (kubenet, overlay).
 */
import { modeTraits, type NetworkMode } from "./networkModes.js";
import { cidrOf, containsIp, parseIp, type Cidr } from "./cidr.js";

export type IpRange = "node-subnet" | "pod-subnet" | "pod-cidr" | "outside" | "none";

export interface ExpectedRanges {
  mode: NetworkMode;
  nodeSubnetCidr: string;
  podSubnetCidr: string | null;
  podCidr: string | null;
}

export interface ObservedIps {
  nodes: { name: string; internalIp: string | null }[];
  pods: { namespace: string; name: string; ip: string | null; hostNetwork: boolean; phase: string }[];
}

export interface NodeIpRow {
  name: string;
  ip: string | null;
  expected: IpRange;
  actual: IpRange;
  ok: boolean;
}

export interface PodIpRow extends NodeIpRow {
  namespace: string;
  hostNetwork: boolean;
}

export interface IpVerification {
  passed: boolean;
  nodes: NodeIpRow[];
  pods: PodIpRow[];
  summary: { nodes: number; pods: number; hostNetworkPods: number; mismatches: number; pendingPods: number };
}

export function expectedPodRange(mode: NetworkMode): IpRange {
  return modeTraits[mode].podIpSource;
}

export function classifyIpPlacement(expected: ExpectedRanges, observed: ObservedIps): IpVerification {
  const ranges: { range: IpRange; cidr: Cidr }[] = [
    { range: "node-subnet", cidr: cidrOf(expected.nodeSubnetCidr) },
    ...(expected.podSubnetCidr === null
      ? []
      : [{ range: "pod-subnet" as const, cidr: cidrOf(expected.podSubnetCidr) }]),
    ...(expected.podCidr === null ? [] : [{ range: "pod-cidr" as const, cidr: cidrOf(expected.podCidr) }]),
  ];
  const locate = (ip: string | null): IpRange => {
    if (ip === null || ip === "") return "none";
    const parsed = parseIp(ip);
    if (!parsed.ok) return "outside";
    return ranges.find((candidate) => containsIp(candidate.cidr, parsed.value))?.range ?? "outside";
  };

  const nodes = observed.nodes.map((node): NodeIpRow => {
    const actual = locate(node.internalIp);
    return { name: node.name, ip: node.internalIp, expected: "node-subnet", actual, ok: actual === "node-subnet" };
  });
  const podExpectation = expectedPodRange(expected.mode);
  const pods = observed.pods.map((pod) => {
    const want: IpRange = pod.hostNetwork ? "node-subnet" : podExpectation;
    const actual = locate(pod.ip);
    return {
      namespace: pod.namespace,
      name: pod.name,
      ip: pod.ip,
      hostNetwork: pod.hostNetwork,
      expected: want,
      actual,
      ok: actual === want,
    };
  });
  const mismatches = [...nodes, ...pods].filter((row) => !row.ok).length;
  return {
    passed: mismatches === 0,
    nodes,
    pods,
    summary: {
      nodes: nodes.length,
      pods: pods.length,
      hostNetworkPods: pods.filter((pod) => pod.hostNetwork).length,
      mismatches,
      pendingPods: pods.filter((pod) => pod.actual === "none").length,
    },
  };
}
