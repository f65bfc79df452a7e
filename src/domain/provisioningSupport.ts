/**
 * Request features the planner understands but the orchestration cannot build yet. POST /api/clusters refuses them
 * (`not-yet-provisionable`) so a run never silently ignores a field; POST /api/plans still plans them.
 * One row per feature: delete a row when the orchestration learns to build it.
 */
import type { ClusterRequest } from "./clusterRequest.js";
import type { Violation } from "./violations.js";

interface Gap {
  path: string;
  /** Present in the request → not provisionable yet. */
  applies: (request: ClusterRequest) => boolean;
  what: string;
}

const gaps: readonly Gap[] = [
  {
    path: "verify.demoWorkload",
    applies: (r) => r.apiServer.private && r.verify.demoWorkload,
    what: "the demo workload on a private cluster (its API server answers only inside the VNet; this API reads a private cluster through AKS run command, read-only, and does not deploy through it)",
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
