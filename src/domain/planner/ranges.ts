/**
 * The request's address ranges, derived from the view once per plan (memoised): VNet prefixes, the distinct subnets
 * with the pools that use each, and the ranges that pod and service CIDRs must stay clear of.
 */
import { cidrOf, type AnyCidr, type Cidr } from "../cidr.js";
import type { CidrField, PoolView, RequestView, SubnetView } from "../requestView.js";

export type SubnetRole = "node" | "pod" | "api-server";

export interface SubnetEntry {
  role: SubnetRole;
  subnet: SubnetView;
  /** Parsed IPv4 prefix; null when missing or invalid (the syntax rule reports it). */
  cidr: Cidr | null;
  label: string;
  /** Pools whose nodes (role node) or pods (role pod) take addresses here. */
  pools: PoolView[];
}

export interface LabelledRange {
  label: string;
  cidr: AnyCidr;
}

/** A pool's own subnet that reuses a name with another prefix or role: reported once, by the pools rule. */
export interface SubnetNameConflict {
  subnet: SubnetView;
  role: SubnetRole;
  existing: SubnetEntry;
}

export interface Ranges {
  vnet: { path: string; cidr: Cidr }[];
  /** A dual-stack VNet's IPv6 prefixes. */
  vnet6: { path: string; cidr: AnyCidr }[];
  subnets: SubnetEntry[];
  conflicts: SubnetNameConflict[];
  /** VNet prefixes and subnets, for overlap checks against pod and service CIDRs. */
  network: LabelledRange[];
}

export const ipv4 = (field: CidrField | null | undefined): Cidr | null =>
  field?.cidr?.family === 4 ? field.cidr : null;

const roleLabels: Record<SubnetRole, string> = {
  node: "node subnet",
  pod: "pod subnet",
  "api-server": "API server subnet",
};

function collectSubnets(view: RequestView): { subnets: SubnetEntry[]; conflicts: SubnetNameConflict[] } {
  const subnets: SubnetEntry[] = [];
  const conflicts: SubnetNameConflict[] = [];
  const add = (role: SubnetRole, subnet: SubnetView | null, pool: PoolView | null) => {
    if (subnet === null) return;
    const existing = subnets.find((entry) => entry.subnet.name === subnet.name);
    if (existing === undefined) {
      subnets.push({
        role,
        subnet,
        cidr: ipv4(subnet.prefix),
        label: `${roleLabels[role]} ${subnet.prefix?.cidr?.text ?? subnet.name}`,
        pools: pool === null ? [] : [pool],
      });
      return;
    }
    if (existing.role !== role || existing.subnet.prefix?.text !== subnet.prefix?.text) {
      if (existing.subnet !== subnet) conflicts.push({ subnet, role, existing });
      return;
    }
    if (pool !== null && !existing.pools.includes(pool)) existing.pools.push(pool);
  };
  add("node", view.nodeSubnet, null);
  add("pod", view.podSubnet, null);
  add("api-server", view.apiServerSubnet, null);
  for (const pool of view.pools) {
    add("node", pool.nodeSubnet, pool);
    if (view.traits?.usesPodSubnet === true || pool.ownPodSubnet) add("pod", pool.podSubnet, pool);
  }
  return { subnets, conflicts };
}

const memo = new WeakMap<RequestView, Ranges>();

export function rangesOf(view: RequestView): Ranges {
  const cached = memo.get(view);
  if (cached !== undefined) return cached;
  const vnet = (view.vnet?.prefixes ?? []).flatMap((field) => {
    const cidr = ipv4(field);
    return cidr === null ? [] : [{ path: field.path, cidr }];
  });
  const vnet6 = (view.vnet?.prefixes ?? []).flatMap((field) =>
    field.cidr?.family === 6 ? [{ path: field.path, cidr: field.cidr }] : [],
  );
  const { subnets, conflicts } = collectSubnets(view);
  const network: LabelledRange[] = [
    ...[...vnet, ...vnet6].map((prefix) => ({ label: `VNet ${prefix.cidr.text}`, cidr: prefix.cidr })),
    ...subnets.flatMap((entry) => [
      ...(entry.cidr === null ? [] : [{ label: entry.label, cidr: entry.cidr }]),
      ...(entry.subnet.prefixV6?.cidr == null
        ? []
        : [{ label: `${entry.label} (IPv6 ${entry.subnet.prefixV6.cidr.text})`, cidr: entry.subnet.prefixV6.cidr }]),
    ]),
  ];
  const ranges = { vnet, vnet6, subnets, conflicts, network };
  memo.set(view, ranges);
  return ranges;
}

/** Ranges AKS reserves: off limits for service, pod and VNet ranges (aks-docs concepts-network-cni-overview.md). */
export const aksReservedRanges: Cidr[] = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"].map(
  cidrOf,
);
