import type { OrchestrationContext } from "durable-functions";
import { activityNames, type FeatureOutput, type ProviderOutput, type StepFailure } from "../activities/contracts.js";
import { attempt, deadline, pastDeadline, sleep, type Step } from "./runtime.js";

export interface EnsureFeaturesInput {
  subscriptionId: string;
  features: string[];
  pollIntervalSeconds: number;
  timeoutMinutes: number;
}

export interface EnsureFeaturesOutput {
  features: FeatureOutput[];
  reregisteredProviders: string[];
  error: StepFailure | null;
}

/**
 * Registers preview features, waits on durable timers until each is Registered (minutes in real Azure), then
 * re-registers each feature's provider so the flag takes effect. A flag that no longer exists went GA: not needed.
 */
export function* ensureFeatures(context: OrchestrationContext): Step<EnsureFeaturesOutput> {
  const input = context.df.getInput<EnsureFeaturesInput>();
  const settled: FeatureOutput[] = [];
  const until = deadline(context, input.timeoutMinutes);

  for (const feature of input.features) {
    const first = yield* attempt<FeatureOutput>(context, activityNames.ensureFeatureRegistered, {
      subscriptionId: input.subscriptionId,
      feature,
    });
    if (!first.ok) {
      return { features: settled, reregisteredProviders: [], error: first.error };
    }
    let state = first.value;
    while (state.state !== "Registered" && state.state !== "NotNeeded") {
      if (pastDeadline(context, until)) {
        return {
          features: [...settled, state],
          reregisteredProviders: [],
          error: {
            code: "FeatureRegistrationTimeout",
            message: `${feature} is still ${state.state} after ${input.timeoutMinutes} minutes`,
          },
        };
      }
      yield* sleep(context, input.pollIntervalSeconds);
      const next = yield* attempt<FeatureOutput>(context, activityNames.getFeatureState, {
        subscriptionId: input.subscriptionId,
        feature,
      });
      if (!next.ok) {
        return { features: settled, reregisteredProviders: [], error: next.error };
      }
      state = next.value;
    }
    settled.push(state);
  }

  const namespaces = [
    ...new Set(settled.filter((f) => f.state === "Registered").map((f) => f.feature.split("/")[0] ?? "")),
  ].filter((ns) => ns.length > 0);
  for (const namespace of namespaces) {
    const provider = yield* attempt<ProviderOutput>(context, activityNames.registerProvider, {
      subscriptionId: input.subscriptionId,
      namespace,
    });
    if (!provider.ok) {
      return { features: settled, reregisteredProviders: [], error: provider.error };
    }
  }
  return { features: settled, reregisteredProviders: namespaces, error: null };
}
