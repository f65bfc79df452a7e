/** Provider and feature registration in the subscription: what the run would otherwise find out minutes in. */
import type { ClusterRequest } from "../../clusterRequest.js";
import { readFailed, type LiveCheck, type LiveFacts } from "../facts.js";

export const containerServiceNamespace = "Microsoft.ContainerService";

export function providerRegistered(_request: ClusterRequest, facts: LiveFacts): LiveCheck[] {
  const path = "subscriptionId";
  if (!facts.provider.ok) return [readFailed("provider-registration", path, containerServiceNamespace, facts.provider)];
  const state = facts.provider.value;
  return [
    state.toLowerCase() === "registered"
      ? {
          code: "provider-registration",
          path,
          status: "ok",
          state,
          message: `${containerServiceNamespace} is registered`,
        }
      : {
          code: "provider-registration",
          path,
          status: "warning",
          state,
          // ARM registers a provider on the first create when the caller may; otherwise that create fails.
          message: `${containerServiceNamespace} is ${state}: ARM registers it on the first cluster create if the API's identity holds ${containerServiceNamespace}/register/action, otherwise the create fails with MissingSubscriptionRegistration`,
        },
  ];
}

export function featuresRegistered(request: ClusterRequest, facts: LiveFacts): LiveCheck[] {
  return facts.features.map(({ feature, state }) => {
    const index = request.features.findIndex((name) => name.toLowerCase() === feature.toLowerCase());
    const path = `features.${Math.max(0, index)}`;
    if (!state.ok) return readFailed("feature-registration", path, `feature ${feature}`, state);
    const value = state.value;
    if (value === "NotNeeded") {
      return {
        code: "feature-registration",
        path,
        status: "ok",
        state: value,
        message: `${feature} is not needed: the flag is retired (generally available)`,
      };
    }
    return value.toLowerCase() === "registered"
      ? { code: "feature-registration", path, status: "ok", state: value, message: `${feature} is registered` }
      : {
          code: "feature-registration",
          path,
          status: "warning",
          state: value,
          message: `${feature} is ${value}: the run registers it and waits (minutes in Azure)`,
        };
  });
}
