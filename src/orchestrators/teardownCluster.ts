import type { OrchestrationContext } from "durable-functions";
import { activityNames, type ClusterRef, type DeletionState } from "../activities/contracts.js";
import type { OrchestrationTimings } from "../config.js";
import {
  completeStep,
  describeStep,
  failRun,
  newProgress,
  startStep,
  statusSnapshot,
  succeedRun,
  type RunProgress,
} from "../domain/progress.js";
import { call, deadline, failureFromError, pastDeadline, sleep, StepError, type Step } from "./runtime.js";

export interface TeardownInput {
  cluster: ClusterRef;
  /** `cluster` removes the AKS cluster (and with it its node resource group); `resourceGroup` removes everything. */
  scope: "cluster" | "resourceGroup";
  timings: OrchestrationTimings;
}

export function* teardownCluster(context: OrchestrationContext): Step<RunProgress> {
  const { cluster, scope, timings } = context.df.getInput<TeardownInput>();
  const step = scope === "cluster" ? "deleteCluster" : "deleteResourceGroup";
  const progress = newProgress("teardown", [step]);
  const publish = () => context.df.setCustomStatus(statusSnapshot(progress));
  try {
    startStep(
      progress,
      step,
      context.df.currentUtcDateTime,
      scope === "cluster" ? cluster.clusterName : cluster.resourceGroup,
    );
    publish();
    const begin = scope === "cluster" ? activityNames.beginDeleteCluster : activityNames.beginDeleteResourceGroup;
    let state = yield* call<DeletionState>(context, step, begin, { ...cluster, scope });
    const until = deadline(context, timings.clusterTimeoutMinutes);
    while (state.state !== "Gone") {
      if (pastDeadline(context, until)) {
        throw new StepError(step, {
          code: "DeleteTimeout",
          message: `still deleting after ${timings.clusterTimeoutMinutes} minutes`,
        });
      }
      yield* sleep(context, timings.clusterPollIntervalSeconds);
      state = yield* call<DeletionState>(context, step, activityNames.getDeletionState, { ...cluster, scope });
      describeStep(progress, step, "deleting");
      publish();
    }
    completeStep(progress, step, context.df.currentUtcDateTime, "deleted");
    succeedRun(progress);
  } catch (error) {
    const failure = error instanceof StepError ? error : new StepError(step, failureFromError(error));
    failRun(progress, failure.step, context.df.currentUtcDateTime, failure.failure);
  }
  publish();
  return progress;
}
