/**
 * The status document's `pools`: a multi-pool run records each pool as it builds it; a one-pool run records none (its
 * custom status is kept small for the IP table), so its pool is derived from the request and the cluster step.
 */
import type { ClusterRequest, NodePoolSpec } from "./clusterRequest.js";
import type { PoolStatus, RunProgress } from "./progress.js";

export function poolStatusOf(
  pool: NodePoolSpec,
  subnets: { nodeSubnetId: string | null; podSubnetId: string | null },
  state: string,
): PoolStatus {
  return {
    name: pool.name,
    mode: pool.mode,
    nodeSubnetId: subnets.nodeSubnetId,
    podSubnetId: subnets.podSubnetId,
    state,
    count: pool.count,
    autoscale:
      pool.minCount === null || pool.maxCount === null ? null : { minCount: pool.minCount, maxCount: pool.maxCount },
  };
}

const clusterStepState: Record<string, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  running: "Creating",
  canceled: "Canceled",
};

export function poolsOf(request: ClusterRequest | null, progress: RunProgress | null): PoolStatus[] {
  if (progress?.pools !== undefined) return progress.pools;
  // Until the node-pools step lists every pool, the first (System) pool follows the cluster step.
  const first = request?.nodePools?.[0];
  if (first === undefined || progress === null) return [];
  const cluster = progress.steps.find((step) => step.name === "cluster");
  const subnets = {
    nodeSubnetId: progress.resources.nodeSubnetId ?? null,
    podSubnetId: progress.resources.podSubnetId ?? null,
  };
  return [poolStatusOf(first, subnets, clusterStepState[cluster?.status ?? ""] ?? "Pending")];
}
