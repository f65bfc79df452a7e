/**
 * Builds the activities for the Functions worker from the app's configuration. Loaded on the first activity call, not
 * at start-up: the Azure SDK packages and the Kubernetes client are most of the app's load time, and HTTP routes and
 * orchestrators never need them.
 */
import { createAzureClientFactory } from "../azure/clients.js";
import { createCredential } from "../azure/credential.js";
import { appConfig } from "../config.js";
import { notifySecrets } from "../store/notifySecrets.js";
import { runIndex } from "../store/runIndex.js";
import type { Activities } from "./contracts.js";
import { createActivities } from "./index.js";

// The config is read (and validated) once, and the credential is shared so tokens are cached.
export function buildActivities(): Activities {
  const config = appConfig();
  let credential: ReturnType<typeof createCredential> | undefined;
  return createActivities({
    clientsFor: createAzureClientFactory(config.azure),
    events: {
      index: runIndex,
      secrets: notifySecrets,
      allowLoopback: config.api.notifyAllowLoopback,
      allowedHosts: config.api.notifyAllowedHosts,
      eventGridTopicEndpoint: config.api.eventGridTopicEndpoint,
      credential: () => (credential ??= createCredential(config.azure)),
    },
  });
}
