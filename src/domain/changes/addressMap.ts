/**
 * The address map of one spec as the change plan shows it: each subnet's usable addresses and its use now and at every
 * pool's maximum plus surge, and each pool's nodes and addresses per node. Computed from the normalised request alone,
 * so the spec a cluster was built from (kept in its run's input) gives the "before" map.
 */
import { azureReservedPerSubnet, cidrOf } from "../cidr.js";
import type { ClusterRequest, NodePoolSpec } from "../clusterRequest.js";
import { modeTraits, podSubnetIpsPerNode } from "../networkModes.js";
import { apiServerSubnetReservedIps } from "../planner/sizing.js";
import type { AddressMap, PoolAddresses, SubnetAddresses } from "./changePlanSchema.js";

export function nodesAtSurge(pool: Pick<NodePoolSpec, "count" | "maxCount" | "maxSurge">): number {
  return Math.max(pool.count, pool.maxCount ?? pool.count) + pool.maxSurge;
}

export function poolAddresses(request: ClusterRequest, pool: NodePoolSpec): PoolAddresses {
  const traits = modeTraits[request.network.mode];
  return {
    name: pool.name,
    mode: pool.mode,
    nodeSubnet: pool.nodeSubnet.name,
    podSubnet: pool.podSubnet?.name ?? null,
    nodesNow: pool.count,
    nodesAtSurge: nodesAtSurge(pool),
    nodeSubnetIpsPerNode: traits.nodeSubnetIpsPerNode(pool.maxPods),
    podSubnetIpsPerNode:
      pool.podSubnet === null ? null : podSubnetIpsPerNode(pool.maxPods, request.network.podIpAllocation),
  };
}

export function addressMapOf(request: ClusterRequest): AddressMap {
  const pools = request.nodePools.map((pool) => poolAddresses(request, pool));
  const subnets = new Map<string, SubnetAddresses>();
  const subnet = (name: string, prefix: string): SubnetAddresses => {
    let entry = subnets.get(name);
    if (entry === undefined) {
      entry = {
        name,
        cidr: prefix,
        usable: cidrOf(prefix).size - azureReservedPerSubnet,
        consumedNow: 0,
        consumedAtSurge: 0,
      };
      subnets.set(name, entry);
    }
    return entry;
  };
  request.nodePools.forEach((spec, index) => {
    const pool = pools[index];
    if (pool === undefined) return;
    const node = subnet(spec.nodeSubnet.name, spec.nodeSubnet.addressPrefix);
    node.consumedNow += pool.nodesNow * pool.nodeSubnetIpsPerNode;
    node.consumedAtSurge += pool.nodesAtSurge * pool.nodeSubnetIpsPerNode;
    if (spec.podSubnet !== null && pool.podSubnetIpsPerNode !== null) {
      const pod = subnet(spec.podSubnet.name, spec.podSubnet.addressPrefix);
      pod.consumedNow += pool.nodesNow * pool.podSubnetIpsPerNode;
      pod.consumedAtSurge += pool.nodesAtSurge * pool.podSubnetIpsPerNode;
    }
  });
  const apiServer = request.network.apiServerSubnet;
  if (apiServer !== null) {
    const entry = subnet(apiServer.name, apiServer.addressPrefix);
    entry.consumedNow += apiServerSubnetReservedIps;
    entry.consumedAtSurge += apiServerSubnetReservedIps;
  }
  return {
    subnets: [...subnets.values()],
    pools,
    podCidr: request.network.podCidr,
    serviceCidr: request.network.serviceCidr,
  };
}
