import type { OrchestrationContext } from "durable-functions";
import type { ClusterRef } from "../activities/contracts.js";
import type { OrchestrationTimings } from "../config.js";
import { newProgress, type RunProgress } from "../domain/progress.js";
import { call, PermanentFailure, useTransientRetry } from "./activityCalls.js";
import { RunRecorder } from "./runRecorder.js";
import { deadline, pastDeadline, sleep, type Step } from "./runtime.js";

export interface TeardownInput {
  cluster: ClusterRef;
  /** `cluster` removes the AKS cluster (and with it its node resource group); `resourceGroup` removes everything. */
  scope: "cluster" | "resourceGroup";
  timings: OrchestrationTimings;
}

/** Starts the delete and polls it on durable timers until the cluster (or the whole resource group) is gone. */
export function* teardownCluster(context: OrchestrationContext): Step<RunProgress> {
  const { cluster, scope, timings } = context.df.getInput<TeardownInput>();
  const step = scope === "cluster" ? "deleteCluster" : "deleteResourceGroup";
  useTransientRetry(context, timings.transientRetryFirstSeconds);
  const run = new RunRecorder(context, newProgress("teardown", [step]));
  const input = { ...cluster, scope };
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
  } catch (error) {
    return run.fail(error, step);
  }
  return run.succeed();
}
