import type { OrchestrationContext } from "durable-functions";
import type { OrchestrationTimings } from "../config.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import type { EgressDetach } from "../domain/changes/networkChangeRules.js";
import type { RunMeta } from "../domain/runMeta.js";
import { newProgress, provisioningSteps, type RunProgress } from "../domain/progress.js";
import { changeChecksPhase, sizedChanges } from "./provision/changeChecksPhase.js";
import { clusterPhase } from "./provision/clusterPhase.js";
import { nodePoolsPhase } from "./provision/nodePoolsPhase.js";
import { demoWorkloadPhase } from "./provision/demoWorkloadPhase.js";
import { egressPhase } from "./provision/egressPhase.js";
import { prerequisitesPhase } from "./provision/prerequisitesPhase.js";
import { resourceGroupPhase } from "./provision/resourceGroupPhase.js";
import { roleAssignmentsPhase } from "./provision/roleAssignmentsPhase.js";
import type { ProvisionScope } from "./provision/scope.js";
import { ipVerificationPhase, roleChecksPhase, routeTablePhase } from "./provision/verificationPhases.js";
import { useTransientRetry } from "./activityCalls.js";
import { RunEvents } from "./runEvents.js";
import { RunRecorder } from "./runRecorder.js";
import type { Step } from "./runtime.js";

export interface ProvisionInput {
  request: ClusterRequest;
  timings: OrchestrationTimings;
  /** Hash of the normalised request; a second POST with the same hash joins this run. */
  specHash: string;
  /** Who asked, when, and where events go (the HTTP starter always sets it; tests may leave it out). */
  meta?: RunMeta;
  /** A change run of a built cluster: the change codes it applies and the pools the new spec dropped. */
  change?: {
    codes: string[];
    removePools: string[];
    /** Egress the old spec attached to the subnets and the new one drops. */
    detachEgress?: EgressDetach | null;
  };
}

/**
 * (a change run: checks against the subnets' real use) → resource group → (network ‖ identity ‖ features) → egress (NAT gateway or route table) → role assignments → cluster →
 * further node pools → role checks → kubenet route table →
 * IP verification → optional demo workload. Each phase records its own steps; a failure ends the run at its step.
 */
export function* provisionCluster(context: OrchestrationContext): Step<RunProgress> {
  const { request, timings, meta, change } = context.df.getInput<ProvisionInput>();
  useTransientRetry(context, timings.transientRetryFirstSeconds);
  // A one-pool cluster has no nodePools step: its document stays as it always was, and custom status keeps its room
  // for the IP table (a 3-node cluster's nearly fills the 16 KB limit).
  const removePools = change?.removePools ?? [];
  const sized = change?.codes.some((code) => sizedChanges.has(code)) === true;
  const steps = provisioningSteps.filter(
    (step) =>
      (step !== "nodePools" || request.nodePools.length > 1 || removePools.length > 0) &&
      (step !== "changeChecks" || sized),
  );
  const run = new RunRecorder(context, newProgress("provision", steps));
  const scope: ProvisionScope = { context, run, request, timings };
  const events =
    meta === undefined
      ? null
      : new RunEvents(context, {
          meta,
          createdAt: meta.acceptedAt,
          subscriptionId: request.subscriptionId,
          resourceGroup: request.resourceGroup,
          clusterName: request.clusterName,
          actor: meta.requestedBy,
          ...(change === undefined ? {} : { changes: change.codes }),
        });
  // Between phases: step events for what finished (the caller asked for them with notify.steps).
  const stepEvents = function* (): Step<void> {
    if (events !== null) yield* events.steps(run.progress.steps);
  };
  if (events !== null) yield* events.state("Running", "run.running", null);
  try {
    if (sized) yield* changeChecksPhase(scope);
    yield* resourceGroupPhase(scope);
    yield* stepEvents();
    const prerequisites = { ...(yield* prerequisitesPhase(scope)) };
    yield* stepEvents();
    prerequisites.egress = yield* egressPhase(scope, change?.detachEgress ?? null);
    yield* roleAssignmentsPhase(scope, prerequisites);
    yield* stepEvents();
    const cluster = yield* clusterPhase(scope, prerequisites);
    yield* stepEvents();
    yield* nodePoolsPhase(scope, prerequisites, cluster, removePools);
    yield* stepEvents();
    yield* roleChecksPhase(scope, prerequisites, cluster);
    yield* routeTablePhase(scope, cluster);
    yield* stepEvents();
    run.progress.ipVerification = yield* ipVerificationPhase(scope);
    yield* demoWorkloadPhase(scope);
    run.succeed();
  } catch (error) {
    run.fail(error, run.currentStep ?? "resourceGroup");
  }
  if (events === null) return run.progress;
  run.publishFinal();
  yield* stepEvents();
  const failed = run.progress.outcome === "Failed";
  yield* events.state(
    failed ? "Failed" : "Succeeded",
    failed ? "run.failed" : "run.succeeded",
    failed ? "failed" : "succeeded",
    run.progress.error,
  );
  run.progress.deliveries = events.deliveries;
  return run.progress;
}
