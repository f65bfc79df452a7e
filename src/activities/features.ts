import type { AzureClientFactory } from "../azure/clients.js";
import { getOrNull } from "./armHelpers.js";
import type { FeatureInput, FeatureOutput, FeatureState, ProviderInput, ProviderOutput } from "./contracts.js";
import { ProvisioningError } from "./guard.js";

const knownStates: FeatureState[] = [
  "Registered",
  "Registering",
  "Pending",
  "NotRegistered",
  "Unregistering",
  "Unregistered",
];

function splitFeature(feature: string): [string, string] {
  const [namespace, name, ...rest] = feature.split("/");
  if (namespace === undefined || name === undefined || rest.length > 0) {
    throw new ProvisioningError("InvalidFeatureName", `'${feature}' is not '<ProviderNamespace>/<FeatureName>'`);
  }
  return [namespace, name];
}

// ARM spells states in more than one case ("registered" in examples, "Registered" live).
function normalizeState(state: string | undefined): FeatureState {
  return knownStates.find((known) => known.toLowerCase() === (state ?? "").toLowerCase()) ?? "Pending";
}

export function getFeatureState(clientsFor: AzureClientFactory) {
  return async (input: FeatureInput): Promise<FeatureOutput> => {
    const [namespace, name] = splitFeature(input.feature);
    const feature = await getOrNull(() => clientsFor(input.subscriptionId).features.features.get(namespace, name));
    // A preview flag that no longer exists has gone GA (PodSubnetPreview did in 2022): nothing to register.
    return {
      feature: input.feature,
      state: feature === null ? "NotNeeded" : normalizeState(feature.properties?.state),
    };
  };
}

export function ensureFeatureRegistered(clientsFor: AzureClientFactory) {
  const read = getFeatureState(clientsFor);
  return async (input: FeatureInput): Promise<FeatureOutput> => {
    const current = await read(input);
    if (current.state === "Registered" || current.state === "NotNeeded" || current.state === "Registering") {
      return current;
    }
    const [namespace, name] = splitFeature(input.feature);
    const registered = await getOrNull(() =>
      clientsFor(input.subscriptionId).features.features.register(namespace, name),
    );
    return {
      feature: input.feature,
      state: registered === null ? "NotNeeded" : normalizeState(registered.properties?.state),
    };
  };
}

export function registerProvider(clientsFor: AzureClientFactory) {
  return async (input: ProviderInput): Promise<ProviderOutput> => {
    const provider = await clientsFor(input.subscriptionId).resources.providers.register(input.namespace);
    return { namespace: input.namespace, registrationState: provider.registrationState ?? "Unknown" };
  };
}
