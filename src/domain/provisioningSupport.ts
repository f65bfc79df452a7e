/**
 * Request features the planner understands but the orchestration cannot build yet. POST /api/clusters refuses them
 * (`not-yet-provisionable`) so a run never silently ignores a field; POST /api/plans still plans them.
 * One row per feature: delete a row when the orchestration learns to build it.
 */
import type { ClusterRequest } from "./clusterRequest.js";
import { requestDefaults } from "./requestDefaults.js";
import type { Violation } from "./violations.js";

interface Gap {
  path: string;
  /** Present in the request → not provisionable yet. */
  applies: (request: ClusterRequest) => boolean;
  what: string;
}

const gaps: readonly Gap[] = [
  {
    path: "network.outbound.type",
    applies: (r) => r.network.outbound.type !== requestDefaults.outboundType,
    what: "outbound types other than loadBalancer (NAT gateway, route table and their subnet associations)",
  },
  {
    path: "apiServer.private",
    applies: (r) => r.apiServer.private,
    what: "private clusters",
  },
  {
    path: "apiServer.vnetIntegration",
    applies: (r) => r.apiServer.vnetIntegration,
    what: "API server VNet integration (the delegated API server subnet and its role assignment)",
  },
  {
    path: "apiServer.authorizedIpRanges",
    applies: (r) => r.apiServer.authorizedIpRanges.length > 0,
    what: "API server authorized IP ranges",
  },
  {
    path: "nodePools",
    applies: (r) => r.nodePools.length > 1,
    what: "more than one node pool (user pools are created through the agent-pool API after the cluster)",
  },
  {
    path: "nodePools",
    applies: (r) =>
      r.nodePools.some(
        (pool) =>
          pool.nodeSubnet.name !== r.network.nodeSubnet.name ||
          (pool.podSubnet !== null && pool.podSubnet.name !== r.network.podSubnet?.name),
      ),
    what: "node pools on subnets of their own (only network.nodeSubnet and network.podSubnet are created)",
  },
  {
    path: "nodePools",
    applies: (r) => r.nodePools.some((pool) => pool.minCount !== null || pool.maxCount !== null),
    what: "the cluster autoscaler (minCount/maxCount)",
  },
];

export function unsupportedForProvisioning(request: ClusterRequest): Violation[] {
  return gaps
    .filter((gap) => gap.applies(request))
    .map((gap) => ({
      path: gap.path,
      code: "not-yet-provisionable",
      message: `${gap.what}: planned, but this API cannot provision it yet`,
    }));
}
