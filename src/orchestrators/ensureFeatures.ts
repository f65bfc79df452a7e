import type { OrchestrationContext } from "durable-functions";
import type { ActivityResult, FeatureOutput } from "../activities/contracts.js";
import type { StepFailure } from "../domain/observations.js";
import { attempt, failureFromError, useTransientRetry, type Scheduled } from "./activityCalls.js";
import { deadline, orchestrationNames, pastDeadline, sleep, type Step } from "./runtime.js";

export interface EnsureFeaturesInput {
  subscriptionId: string;
  features: string[];
  pollIntervalSeconds: number;
  timeoutMinutes: number;
  transientRetryFirstSeconds?: number;
}

export interface EnsureFeaturesOutput {
  features: FeatureOutput[];
  reregisteredProviders: string[];
  error: StepFailure | null;
}

/** Starts `ensureFeatures` as a sub-orchestration; its result reads like an activity's. */
export function scheduleFeatures(
  context: OrchestrationContext,
  input: EnsureFeaturesInput,
): Scheduled<EnsureFeaturesOutput> {
  const task = context.df.callSubOrchestrator(orchestrationNames.ensureFeatures, input);
  return {
    task,
    // eslint-disable-next-line require-yield -- a sub-orchestration retries inside itself; nothing to wait for here.
    *result(): Step<ActivityResult<EnsureFeaturesOutput>> {
      if (task.isFaulted) return { ok: false, error: failureFromError(task.result) };
      // The sub-orchestration below returned exactly this shape; history erased only its type.
      const output = task.result as EnsureFeaturesOutput;
      return output.error === null ? { ok: true, value: output } : { ok: false, error: output.error };
    },
  };
}

/**
 * Registers preview features, waits on durable timers until each is Registered (minutes in real Azure), then
 * re-registers each feature's provider so the flag takes effect. A flag that no longer exists went GA: not needed.
 */
export function* ensureFeatures(context: OrchestrationContext): Step<EnsureFeaturesOutput> {
  const input = context.df.getInput<EnsureFeaturesInput>();
  useTransientRetry(context, input.transientRetryFirstSeconds);
  const settled: FeatureOutput[] = [];
  const until = deadline(context, input.timeoutMinutes);
  const failed = (error: StepFailure, features = settled): EnsureFeaturesOutput => ({
    features,
    reregisteredProviders: [],
    error,
  });

  for (const feature of input.features) {
    const first = yield* attempt(context, "ensureFeatureRegistered", { subscriptionId: input.subscriptionId, feature });
    if (!first.ok) return failed(first.error);
    let state = first.value;
    while (state.state !== "Registered" && state.state !== "NotNeeded") {
      if (pastDeadline(context, until)) {
        return failed(
          {
            code: "FeatureRegistrationTimeout",
            message: `${feature} is still ${state.state} after ${input.timeoutMinutes} minutes`,
          },
          [...settled, state],
        );
      }
      yield* sleep(context, input.pollIntervalSeconds);
      const next = yield* attempt(context, "getFeatureState", { subscriptionId: input.subscriptionId, feature });
      if (!next.ok) return failed(next.error);
      state = next.value;
    }
    settled.push(state);
  }

  const namespaces = [
    ...new Set(settled.filter((f) => f.state === "Registered").map((f) => f.feature.split("/")[0] ?? "")),
  ].filter((ns) => ns.length > 0);
  for (const namespace of namespaces) {
    const provider = yield* attempt(context, "registerProvider", { subscriptionId: input.subscriptionId, namespace });
    if (!provider.ok) return failed(provider.error);
  }
  return { features: settled, reregisteredProviders: namespaces, error: null };
}
