/** Which subnet ids each node pool uses, read from what the network step ensured. */
import type { NetworkOutput } from "../../activities/contracts.js";
import type { ClusterRequest, NodePoolSpec, SubnetSpec } from "../../domain/clusterRequest.js";
import { PermanentFailure } from "../activityCalls.js";

/** The subnets pools have of their own (the network step dedupes those they share with the cluster). */
export function poolSubnets(request: ClusterRequest): SubnetSpec[] {
  return request.nodePools.flatMap((pool) => [pool.nodeSubnet, ...(pool.podSubnet === null ? [] : [pool.podSubnet])]);
}

/** A subnet's id by the name the request gave it; the cluster's own two are known even from an older network step. */
export function subnetIdOf(network: NetworkOutput, subnet: SubnetSpec, cluster: ClusterRequest["network"]): string {
  const byName = Object.entries(network.subnetIds ?? {}).find(
    ([name]) => name.toLowerCase() === subnet.name.toLowerCase(),
  )?.[1];
  if (byName !== undefined) return byName;
  if (subnet.name.toLowerCase() === cluster.nodeSubnet.name.toLowerCase()) return network.nodeSubnetId;
  if (network.podSubnetId !== null && subnet.name.toLowerCase() === cluster.podSubnet?.name.toLowerCase()) {
    return network.podSubnetId;
  }
  throw new PermanentFailure({
    code: "SubnetNotFound",
    message: `the network step reported no subnet '${subnet.name}'`,
  });
}

export interface PoolSubnetIds {
  nodeSubnetId: string;
  podSubnetId: string | null;
}

export function poolSubnetIds(network: NetworkOutput, pool: NodePoolSpec, request: ClusterRequest): PoolSubnetIds {
  return {
    nodeSubnetId: subnetIdOf(network, pool.nodeSubnet, request.network),
    podSubnetId: pool.podSubnet === null ? null : subnetIdOf(network, pool.podSubnet, request.network),
  };
}
