import type { OrchestrationContext } from "durable-functions";
import type { OrchestrationTimings } from "../../config.js";
import type { ClusterRequest } from "../../domain/clusterRequest.js";
import type { RunRecorder } from "../runRecorder.js";

/** What every provisioning phase works with: the Durable context, the run's progress, and the request it serves. */
export interface ProvisionScope {
  context: OrchestrationContext;
  run: RunRecorder;
  request: ClusterRequest;
  timings: OrchestrationTimings;
}

export const clusterRefOf = (request: ClusterRequest) => ({
  subscriptionId: request.subscriptionId,
  resourceGroup: request.resourceGroup,
  clusterName: request.clusterName,
});
