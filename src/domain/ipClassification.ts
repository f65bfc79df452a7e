/**
 * Classifies observed node and pod IPs against the plan: nodes and hostNetwork pods belong in the node subnet; other
 * pods in the pod subnet (pod-subnet), the node subnet (node-subnet) or the pod CIDR (kubenet, overlay). With several
 * pools, a node that names its pool (and a pod that names its node) must be in that pool's own subnets. A dual-stack
 * cluster is checked in both families: every node needs an IPv6 InternalIP in its subnet's IPv6 prefix, every pod an
 * IPv6 address in the IPv6 pod CIDR (hostNetwork pods: the node's IPv6 subnet), beside the IPv4 checks.
 */
import { anyCidrOf, cidrOf, containsIp, parseAnyIp, parseIp, rangeHolds, type AnyCidr, type Cidr } from "./cidr.js";
import type { ClusterRequest } from "./clusterRequest.js";
import { modeTraits, type NetworkMode } from "./networkModes.js";

import type { IpRange, IpVerification, NodeIpRow, PodIpRow } from "./statusSchemas.js";

export type { IpRange, IpVerification, NodeIpRow, PodIpRow } from "./statusSchemas.js";

export interface PoolRanges {
  name: string;
  nodeSubnetCidr: string;
  podSubnetCidr: string | null;
}

export interface ExpectedRanges {
  mode: NetworkMode;
  nodeSubnetCidr: string;
  podSubnetCidr: string | null;
  podCidr: string | null;
  /** Every pool's subnets; absent for a one-pool cluster described by the fields above. */
  pools?: PoolRanges[];
  /** Dual-stack only: the node subnet's IPv6 prefix and the IPv6 pod CIDR, checked beside the IPv4 ranges. */
  ipv6?: { nodeSubnetCidr: string; podCidr: string };
}

export interface ObservedIps {
  /**
   * `pool`: the node's agent pool (AKS label kubernetes.azure.com/agentpool), when known. `internalIps`: every
   * InternalIP the node reports (a dual-stack node has one per family); `internalIp` alone is read when absent.
   */
  nodes: { name: string; internalIp: string | null; internalIps?: string[]; pool?: string }[];
  pods: {
    namespace: string;
    name: string;
    ip: string | null;
    /** status.podIPs: one address per family on a dual-stack cluster. */
    ips?: string[];
    hostNetwork: boolean;
    phase: string;
    nodeName?: string | null;
  }[];
}

/** The verification with only its failed rows, for a status that must stay small; summary and verdict unchanged. */
export function failedRowsOnly(verification: IpVerification): IpVerification {
  const nodes = verification.nodes.filter((row) => !row.ok);
  const pods = verification.pods.filter((row) => !row.ok);
  const omitted = verification.nodes.length - nodes.length + verification.pods.length - pods.length;
  return { ...verification, nodes, pods, omittedRows: omitted };
}

export function expectedPodRange(mode: NetworkMode): IpRange {
  return modeTraits[mode].podIpSource;
}

/** The ranges a provisioned cluster's IPs must fall in, from its normalised request. */
export function expectedRangesFor(request: ClusterRequest): ExpectedRanges {
  const { network, nodePools } = request;
  const podCidrV6 = network.podCidrs[1];
  const nodeSubnetV6 = network.nodeSubnet.ipv6AddressPrefix;
  return {
    mode: network.mode,
    nodeSubnetCidr: network.nodeSubnet.addressPrefix,
    podSubnetCidr: modeTraits[network.mode].usesPodSubnet ? (network.podSubnet?.addressPrefix ?? null) : null,
    podCidr: network.podCidr,
    ...(nodePools.length > 1 || nodePools.some((pool) => pool.nodeSubnet.name !== network.nodeSubnet.name)
      ? {
          pools: nodePools.map((pool) => ({
            name: pool.name,
            nodeSubnetCidr: pool.nodeSubnet.addressPrefix,
            podSubnetCidr: pool.podSubnet?.addressPrefix ?? null,
          })),
        }
      : {}),
    ...(network.ipFamilies.includes("IPv6") && podCidrV6 !== undefined && nodeSubnetV6 !== undefined
      ? { ipv6: { nodeSubnetCidr: nodeSubnetV6, podCidr: podCidrV6 } }
      : {}),
  };
}

/** Where an IPv6 address is, among the dual-stack ranges. */
function locateV6(ranges: { range: IpRange; cidr: AnyCidr }[], ip: string | null): IpRange {
  if (ip === null) return "none";
  const parsed = parseAnyIp(ip);
  if (parsed === null) return "outside";
  return ranges.find((candidate) => rangeHolds(candidate.cidr, parsed))?.range ?? "outside";
}

/** The first address of the family among those observed (a dual-stack object lists one per family). */
function firstOfFamily(addresses: string[], family: 4 | 6): string | null {
  return addresses.find((address) => parseAnyIp(address)?.family === family) ?? null;
}

interface PoolCidrs {
  node: Cidr;
  pod: Cidr | null;
}

export function classifyIpPlacement(expected: ExpectedRanges, observed: ObservedIps): IpVerification {
  const pools = new Map<string, PoolCidrs>(
    (expected.pools ?? []).map((pool) => [
      pool.name,
      { node: cidrOf(pool.nodeSubnetCidr), pod: pool.podSubnetCidr === null ? null : cidrOf(pool.podSubnetCidr) },
    ]),
  );
  const ranges: { range: IpRange; cidr: Cidr }[] = [
    { range: "node-subnet", cidr: cidrOf(expected.nodeSubnetCidr) },
    ...[...pools.values()].map((pool) => ({ range: "node-subnet" as const, cidr: pool.node })),
    ...(expected.podSubnetCidr === null
      ? []
      : [{ range: "pod-subnet" as const, cidr: cidrOf(expected.podSubnetCidr) }]),
    ...[...pools.values()].flatMap((pool) =>
      pool.pod === null ? [] : [{ range: "pod-subnet" as const, cidr: pool.pod }],
    ),
    ...(expected.podCidr === null ? [] : [{ range: "pod-cidr" as const, cidr: cidrOf(expected.podCidr) }]),
  ];
  const valueOf = (ip: string | null): bigint | null => {
    if (ip === null || ip === "") return null;
    const parsed = parseIp(ip);
    return parsed.ok ? parsed.value : null;
  };
  const locate = (ip: string | null): IpRange => {
    if (ip === null || ip === "") return "none";
    const value = valueOf(ip);
    if (value === null) return "outside";
    return ranges.find((candidate) => containsIp(candidate.cidr, value))?.range ?? "outside";
  };
  /** The pool's own range for this row, when the pool is known and the mode puts the address there. */
  const ownRange = (poolName: string | undefined, range: IpRange): { pool: string; cidr: Cidr } | null => {
    const pool = poolName === undefined ? undefined : pools.get(poolName);
    if (poolName === undefined || pool === undefined) return null;
    const cidr = range === "node-subnet" ? pool.node : range === "pod-subnet" ? pool.pod : null;
    return cidr === null ? null : { pool: poolName, cidr };
  };
  const row = (ip: string | null, want: IpRange, poolName: string | undefined) => {
    const actual = locate(ip);
    const own = ownRange(poolName, want);
    const value = valueOf(ip);
    const inOwn = own === null || (value !== null && containsIp(own.cidr, value));
    return {
      expected: want,
      actual,
      ok: actual === want && inOwn,
      ...(own === null ? {} : { pool: own.pool, expectedCidr: own.cidr.text }),
    };
  };

  const v6Ranges =
    expected.ipv6 === undefined
      ? null
      : [
          { range: "node-subnet" as const, cidr: anyCidrOf(expected.ipv6.nodeSubnetCidr) },
          { range: "pod-cidr" as const, cidr: anyCidrOf(expected.ipv6.podCidr) },
        ];
  /** Adds the IPv6 check to a row; single-stack rows stay exactly as they were. */
  const dual = <R extends { ok: boolean }>(base: R, addresses: string[], want: IpRange): R => {
    if (v6Ranges === null) return base;
    const ipv6 = firstOfFamily(addresses, 6);
    const actualV6 = locateV6(v6Ranges, ipv6);
    return { ...base, ipv6, actualV6, ok: base.ok && actualV6 === want };
  };

  const nodePool = new Map(observed.nodes.map((node) => [node.name, node.pool]));
  const nodes = observed.nodes.map((node): NodeIpRow => {
    const addresses = node.internalIps ?? (node.internalIp === null ? [] : [node.internalIp]);
    // The IPv4 check reads the node's IPv4 InternalIP even when an IPv6 one is listed first.
    const ip = v6Ranges === null ? node.internalIp : (firstOfFamily(addresses, 4) ?? node.internalIp);
    return dual({ name: node.name, ip, ...row(ip, "node-subnet", node.pool) }, addresses, "node-subnet");
  });
  const podExpectation = expectedPodRange(expected.mode);
  const pods = observed.pods.map((pod): PodIpRow => {
    const want = pod.hostNetwork ? "node-subnet" : podExpectation;
    const addresses = pod.ips ?? (pod.ip === null ? [] : [pod.ip]);
    const ip = v6Ranges === null ? pod.ip : (firstOfFamily(addresses, 4) ?? pod.ip);
    return dual(
      {
        namespace: pod.namespace,
        name: pod.name,
        ip,
        hostNetwork: pod.hostNetwork,
        ...row(ip, want, pod.nodeName == null ? undefined : nodePool.get(pod.nodeName)),
      },
      addresses,
      want,
    );
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
