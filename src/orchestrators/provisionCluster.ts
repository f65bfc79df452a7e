import type { OrchestrationContext } from "durable-functions";
import type { OrchestrationTimings } from "../config.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { newProgress, provisioningSteps, type RunProgress } from "../domain/progress.js";
import { clusterPhase } from "./provision/clusterPhase.js";
import { demoWorkloadPhase } from "./provision/demoWorkloadPhase.js";
import { prerequisitesPhase } from "./provision/prerequisitesPhase.js";
import { resourceGroupPhase } from "./provision/resourceGroupPhase.js";
import { roleAssignmentsPhase } from "./provision/roleAssignmentsPhase.js";
import type { ProvisionScope } from "./provision/scope.js";
import { ipVerificationPhase, roleChecksPhase, routeTablePhase } from "./provision/verificationPhases.js";
import { useTransientRetry } from "./activityCalls.js";
import { RunRecorder } from "./runRecorder.js";
import type { Step } from "./runtime.js";

export interface ProvisionInput {
  request: ClusterRequest;
  timings: OrchestrationTimings;
  /** Hash of the normalised request; a second POST with the same hash joins this run. */
  specHash: string;
}

/**
 * resource group → (network ‖ identity ‖ features) → role assignments → cluster → role checks → kubenet route table →
 * IP verification → optional demo workload. Each phase records its own steps; a failure ends the run at its step.
 */
export function* provisionCluster(context: OrchestrationContext): Step<RunProgress> {
  const { request, timings } = context.df.getInput<ProvisionInput>();
  useTransientRetry(context, timings.transientRetryFirstSeconds);
  const run = new RunRecorder(context, newProgress("provision", provisioningSteps));
  const scope: ProvisionScope = { context, run, request, timings };
  try {
    yield* resourceGroupPhase(scope);
    const prerequisites = yield* prerequisitesPhase(scope);
    yield* roleAssignmentsPhase(scope, prerequisites);
    const cluster = yield* clusterPhase(scope, prerequisites);
    yield* roleChecksPhase(scope, prerequisites, cluster);
    yield* routeTablePhase(scope, cluster);
    run.progress.ipVerification = yield* ipVerificationPhase(scope);
    yield* demoWorkloadPhase(scope);
  } catch (error) {
    return run.fail(error, run.currentStep ?? "resourceGroup");
  }
  return run.succeed();
}
