import type { OrchestrationContext } from "durable-functions";
import type { ClusterRef } from "../activities/contracts.js";
import type { OrchestrationTimings } from "../config.js";
import { newProgress, type RunProgress } from "../domain/progress.js";
import type { RunMeta } from "../domain/runMeta.js";
import type { PreviousRun } from "../domain/statusDocument.js";
import { call, PermanentFailure, useTransientRetry } from "./activityCalls.js";
import { RunEvents } from "./runEvents.js";
import { RunRecorder } from "./runRecorder.js";
import { deadline, pastDeadline, sleep, type Step } from "./runtime.js";

export interface TeardownInput {
  cluster: ClusterRef;
  /** `cluster` removes the AKS cluster (and with it its node resource group); `resourceGroup` removes everything. */
  scope: "cluster" | "resourceGroup";
  timings: OrchestrationTimings;
  /**
   * The provisioning run this teardown replaces under the same instance id, so one read of the instance gives the
   * whole status document. Absent when there was none to replace.
   */
  previous?: PreviousRun;
  /** This teardown's acceptance, its requester (the audit actor) and the run's event targets. */
  meta?: RunMeta;
}

/** Starts the delete and polls it on durable timers until the cluster (or the whole resource group) is gone. */
export function* teardownCluster(context: OrchestrationContext): Step<RunProgress> {
  const { cluster, scope, timings, previous, meta } = context.df.getInput<TeardownInput>();
  const step = scope === "cluster" ? "deleteCluster" : "deleteResourceGroup";
  useTransientRetry(context, timings.transientRetryFirstSeconds);
  const run = new RunRecorder(context, newProgress("teardown", [step]));
  const input = { ...cluster, scope };
  const events =
    meta === undefined || previous === undefined
      ? null
      : new RunEvents(context, {
          // The index row and the events keep the run's own requester; the audit actor is whoever asked to delete.
          meta: { ...meta, requestedBy: previous.meta?.requestedBy ?? meta.requestedBy },
          createdAt: previous.createdAt,
          subscriptionId: cluster.subscriptionId,
          resourceGroup: cluster.resourceGroup,
          clusterName: cluster.clusterName,
          actor: meta.requestedBy,
        });
  if (events !== null) yield* events.state("Deleting", "delete.running", null);
  try {
    yield* run.step(
      step,
      function* () {
        let state = yield* call(
          context,
          scope === "cluster" ? "beginDeleteCluster" : "beginDeleteResourceGroup",
          input,
        );
        const until = deadline(context, timings.clusterTimeoutMinutes);
        while (state.state !== "Gone") {
          if (pastDeadline(context, until)) {
            throw new PermanentFailure({
              code: "DeleteTimeout",
              message: `still deleting after ${timings.clusterTimeoutMinutes} minutes`,
            });
          }
          yield* sleep(context, timings.clusterPollIntervalSeconds);
          state = yield* call(context, "getDeletionState", input);
          run.note(step, "deleting");
        }
      },
      () => "deleted",
      scope === "cluster" ? cluster.clusterName : cluster.resourceGroup,
    );
    run.succeed();
  } catch (error) {
    run.fail(error, step);
  }
  if (events === null) return run.progress;
  const failed = run.progress.outcome === "Failed";
  yield* events.state(
    failed ? "Failed" : "Deleted",
    failed ? "delete.failed" : "delete.succeeded",
    failed ? "failed" : "deleted",
    run.progress.error,
  );
  run.progress.deliveries = events.deliveries;
  return run.progress;
}
