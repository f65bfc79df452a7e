/**
 * The run's check before its first AKS call in a change: does every subnet a pool of the new spec uses still hold,
 * at each of those pools' maximum plus surge, beside what AKS's other pools on it really use now? AKS answers
 * SubnetIsFull (or InsufficientSubnetSize) only after the call; this says it first, with the numbers.
 */
import { azureReservedPerSubnet, cidrOf } from "../cidr.js";
import type { ClusterRequest } from "../clusterRequest.js";
import { poolAddresses } from "./addressMap.js";

/** One agent pool as AKS reports it now. */
export interface LivePool {
  name: string;
  count: number;
  maxPods: number;
  nodeSubnetId: string | null;
  podSubnetId: string | null;
}

export interface SubnetRoom {
  subnet: string;
  cidr: string;
  usable: number;
  /** Addresses AKS's pools that are not in the new spec use there now. */
  others: number;
  otherPools: string[];
  /** The new spec's pools there, each at its maximum plus surge. */
  needed: number;
  fits: boolean;
}

const subnetNameOf = (id: string | null) => (id === null ? null : (id.split("/").pop() ?? "").toLowerCase());
const vnetNameOf = (id: string) => /\/virtualNetworks\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? null;

export function subnetRoom(request: ClusterRequest, live: LivePool[]): SubnetRoom[] {
  const vnet = request.network.vnet.name.toLowerCase();
  const inSpec = new Set(request.nodePools.map((pool) => pool.name.toLowerCase()));
  const rooms = new Map<string, SubnetRoom>();
  const room = (name: string, prefix: string) => {
    let entry = rooms.get(name.toLowerCase());
    if (entry === undefined) {
      const usable = cidrOf(prefix).size - azureReservedPerSubnet;
      entry = { subnet: name, cidr: prefix, usable, others: 0, otherPools: [], needed: 0, fits: true };
      rooms.set(name.toLowerCase(), entry);
    }
    return entry;
  };
  for (const pool of request.nodePools) {
    const addresses = poolAddresses(request, pool);
    room(pool.nodeSubnet.name, pool.nodeSubnet.addressPrefix).needed +=
      addresses.nodesAtSurge * addresses.nodeSubnetIpsPerNode;
    if (pool.podSubnet !== null && addresses.podSubnetIpsPerNode !== null) {
      room(pool.podSubnet.name, pool.podSubnet.addressPrefix).needed +=
        addresses.nodesAtSurge * addresses.podSubnetIpsPerNode;
    }
  }
  for (const pool of live.filter((candidate) => !inSpec.has(candidate.name.toLowerCase()))) {
    const addresses = poolAddresses(request, {
      name: pool.name,
      mode: "User",
      vmSize: "",
      count: pool.count,
      minCount: null,
      maxCount: null,
      maxPods: pool.maxPods,
      maxSurge: 0,
      nodeSubnet: { name: "", addressPrefix: "" },
      podSubnet: pool.podSubnetId === null ? null : { name: "", addressPrefix: "" },
    });
    const take = (id: string | null, perNode: number | null) => {
      const entry = rooms.get(subnetNameOf(id) ?? "");
      if (id === null || perNode === null || entry === undefined || vnetNameOf(id) !== vnet) return;
      entry.others += pool.count * perNode;
      entry.otherPools.push(pool.name);
    };
    take(pool.nodeSubnetId, addresses.nodeSubnetIpsPerNode);
    take(pool.podSubnetId, addresses.podSubnetIpsPerNode);
  }
  return [...rooms.values()].map((entry) => ({ ...entry, fits: entry.others + entry.needed <= entry.usable }));
}
