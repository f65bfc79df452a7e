/**
 * Address consumption per pool and per subnet, shared by the sizing rule and the plan so they cannot disagree.
 * A pool's worst case is its autoscaler maximum (not its current count) plus the upgrade surge: the most common
 * InsufficientSubnetSize report comes from sizing for `count` (aks-2026.md §6).
 */
import { azureReservedPerSubnet } from "../cidr.js";
import { podSubnetIpsPerNode } from "../networkModes.js";
import type { PoolView, RequestView } from "../requestView.js";
import { rangesOf, type SubnetEntry } from "./ranges.js";

/** AKS reserves at least 9 addresses of an API server VNet-integration subnet (aks-docs api-server-vnet-integration.md). */
export const apiServerSubnetReservedIps = 9;
/** A private cluster without VNet integration puts its private endpoint in the system pool's node subnet. */
export const privateEndpointIps = 1;

export interface PoolUsage {
  pool: PoolView;
  nodesNow: number;
  /** Autoscaler maximum, or the fixed count. */
  nodesAtMax: number;
  nodesAtSurge: number;
  nodeSubnetIpsPerNode: number;
  /** Pod-subnet addresses per node; null when pods do not take them (other modes). */
  podSubnetIpsPerNode: number | null;
}

/** Null while a number it needs is unreadable (the schema reports that). */
export function poolUsage(view: RequestView, pool: PoolView): PoolUsage | null {
  const { traits, podIpAllocation } = view;
  if (traits === null || pool.count === null || pool.maxPods === null || pool.maxSurge === null) return null;
  const nodesAtMax = Math.max(pool.count, pool.maxCount ?? pool.count);
  return {
    pool,
    nodesNow: pool.count,
    nodesAtMax,
    nodesAtSurge: nodesAtMax + pool.maxSurge,
    nodeSubnetIpsPerNode: traits.nodeSubnetIpsPerNode(pool.maxPods),
    podSubnetIpsPerNode: traits.usesPodSubnet ? podSubnetIpsPerNode(pool.maxPods, podIpAllocation ?? "dynamic") : null,
  };
}

export interface SubnetUsage {
  entry: SubnetEntry;
  usable: number;
  consumedNow: number;
  consumedAtSurge: number;
  /** Addresses one more node would take (the largest per-node need among the subnet's pools). */
  perNode: number;
  /** Human-readable terms of consumedAtSurge, for messages. */
  terms: string[];
}

function fixedIps(view: RequestView, entry: SubnetEntry): { ips: number; term: string } | null {
  if (entry.role === "api-server")
    return { ips: apiServerSubnetReservedIps, term: `${apiServerSubnetReservedIps} for the API server` };
  const systemPool = view.pools.find((pool) => pool.mode === "System") ?? view.pools[0];
  const hostsEndpoint =
    view.apiServer.private &&
    !view.apiServer.vnetIntegration &&
    entry.role === "node" &&
    systemPool !== undefined &&
    entry.pools.includes(systemPool);
  return hostsEndpoint ? { ips: privateEndpointIps, term: "1 for the API server's private endpoint" } : null;
}

export function subnetUsage(view: RequestView, entry: SubnetEntry): SubnetUsage | null {
  if (entry.cidr === null) return null;
  let consumedNow = 0;
  let consumedAtSurge = 0;
  let perNode = 0;
  const terms: string[] = [];
  for (const pool of entry.pools) {
    const usage = poolUsage(view, pool);
    if (usage === null) return null;
    const ips = entry.role === "pod" ? usage.podSubnetIpsPerNode : usage.nodeSubnetIpsPerNode;
    if (ips === null) continue;
    consumedNow += usage.nodesNow * ips;
    consumedAtSurge += usage.nodesAtSurge * ips;
    perNode = Math.max(perNode, ips);
    const scale = pool.maxCount === null ? `${usage.nodesNow}` : `max ${usage.nodesAtMax}`;
    terms.push(`pool ${pool.name ?? "?"}: (${scale}+${pool.maxSurge ?? 0} surge) nodes × ${ips}`);
  }
  const fixed = fixedIps(view, entry);
  if (fixed !== null) {
    consumedNow += fixed.ips;
    consumedAtSurge += fixed.ips;
    terms.push(fixed.term);
  }
  return {
    entry,
    usable: entry.cidr.size - azureReservedPerSubnet,
    consumedNow,
    consumedAtSurge,
    perNode,
    terms,
  };
}

export function subnetUsages(view: RequestView): SubnetUsage[] {
  return rangesOf(view).subnets.flatMap((entry) => {
    const usage = subnetUsage(view, entry);
    return usage === null ? [] : [usage];
  });
}

/** All pools' nodes at surge; null while any pool's numbers are unreadable. */
export function clusterNodesAtSurge(view: RequestView): number | null {
  let total = 0;
  for (const pool of view.pools) {
    const usage = poolUsage(view, pool);
    if (usage === null) return null;
    total += usage.nodesAtSurge;
  }
  return total;
}
