/**
 * Node pools in the normalised view: `nodePools`, or the legacy single `nodePool` read as one System pool. A pool
 * without its own subnets shares the cluster's. Paths point at the field the caller wrote.
 */
import type { ModeTraits } from "./networkModes.js";
import { requestDefaults } from "./requestDefaults.js";
import { cidrField, int, list, oneOf, record, str, type CidrField } from "./requestFields.js";

export const poolModes = ["System", "User"] as const;
export type PoolMode = (typeof poolModes)[number];

export interface SubnetView {
  /** Path of the subnet object, e.g. "network.nodeSubnet" or "nodePools.1.nodeSubnet". */
  path: string;
  name: string;
  prefix: CidrField | null;
  /** Dual-stack only: the subnet's IPv6 range (Azure IPv6 subnets are /64). */
  prefixV6: CidrField | null;
}

export interface PoolView {
  path: string;
  name: string | null;
  mode: PoolMode | null;
  vmSize: string | null;
  count: number | null;
  minCount: number | null;
  maxCount: number | null;
  maxPods: number | null;
  maxSurge: number | null;
  /** Own subnet, or the cluster's. */
  nodeSubnet: SubnetView | null;
  podSubnet: SubnetView | null;
  ownNodeSubnet: boolean;
  ownPodSubnet: boolean;
}

export function subnetOf(path: string, value: unknown): SubnetView | null {
  const subnet = record(value);
  if (subnet === null) return null;
  const prefix = str(subnet.addressPrefix);
  const prefixV6 = str(subnet.ipv6AddressPrefix);
  return {
    path,
    name: str(subnet.name) ?? "",
    prefix: prefix === null ? null : cidrField(`${path}.addressPrefix`, prefix),
    prefixV6: prefixV6 === null ? null : cidrField(`${path}.ipv6AddressPrefix`, prefixV6, "any"),
  };
}

/** A given field keeps its (possibly invalid → null) value; an absent one takes the default. */
const orDefault = <T>(value: unknown, read: (value: unknown) => T | null, fallback: T | null): T | null =>
  value === undefined ? fallback : read(value);

function poolOf(
  path: string,
  raw: Record<string, unknown>,
  defaults: { name: string | null; mode: PoolMode | null },
  cluster: { nodeSubnet: SubnetView | null; podSubnet: SubnetView | null },
  traits: ModeTraits | null,
): PoolView {
  const ownNodeSubnet = subnetOf(`${path}.nodeSubnet`, raw.nodeSubnet);
  const ownPodSubnet = subnetOf(`${path}.podSubnet`, raw.podSubnet);
  return {
    path,
    name: orDefault(raw.name, str, defaults.name),
    mode: orDefault(raw.mode, (value) => oneOf(poolModes, value), defaults.mode),
    vmSize: orDefault(raw.vmSize, str, requestDefaults.nodePool.vmSize),
    // An autoscaled pool without a count starts at its minimum.
    count: orDefault(raw.count, int, int(raw.minCount) ?? requestDefaults.nodePool.count),
    minCount: orDefault(raw.minCount, int, null),
    maxCount: orDefault(raw.maxCount, int, null),
    maxPods: orDefault(raw.maxPods, int, traits?.maxPods.default ?? null),
    maxSurge: orDefault(raw.maxSurge, int, requestDefaults.nodePool.maxSurge),
    nodeSubnet: ownNodeSubnet ?? cluster.nodeSubnet,
    podSubnet: ownPodSubnet ?? cluster.podSubnet,
    ownNodeSubnet: ownNodeSubnet !== null,
    ownPodSubnet: ownPodSubnet !== null,
  };
}

export function readPools(
  root: Record<string, unknown>,
  network: Record<string, unknown> | null,
  traits: ModeTraits | null,
): { pools: PoolView[]; poolsPath: "nodePool" | "nodePools" } {
  const cluster = {
    nodeSubnet: subnetOf("network.nodeSubnet", network?.nodeSubnet),
    podSubnet: subnetOf("network.podSubnet", network?.podSubnet),
  };
  const many = list(root.nodePools);
  if (many !== null) {
    const pools = many.flatMap((item, i) => {
      const raw = record(item);
      return raw === null ? [] : [poolOf(`nodePools.${i}`, raw, { name: null, mode: null }, cluster, traits)];
    });
    return { pools, poolsPath: "nodePools" };
  }
  const single = record(root.nodePool) ?? {};
  const defaults = { name: requestDefaults.nodePool.name, mode: "System" as const };
  return { pools: [poolOf("nodePool", single, defaults, cluster, traits)], poolsPath: "nodePool" };
}
