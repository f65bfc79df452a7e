/**
 * Registers every activity with Durable. This is the activity side of the Durable boundary: the one place where the
 * untyped input from history meets the typed contract.
 */
import * as df from "durable-functions";
import { activityNames, type Activities, type ActivityName } from "../activities/contracts.js";
import { createActivities } from "../activities/index.js";
import { createAzureClientFactory } from "../azure/clients.js";
import { createCredential } from "../azure/credential.js";
import { appConfig } from "../config.js";
import { notifySecrets } from "../store/notifySecrets.js";
import { runIndex } from "../store/runIndex.js";

let activities: Activities | undefined;

// Built on first use: the config is read (and validated) once, and the credential is shared so tokens are cached.
function activity<N extends ActivityName>(name: N): Activities[N] {
  if (activities === undefined) {
    const config = appConfig();
    let credential: ReturnType<typeof createCredential> | undefined;
    activities = createActivities({
      clientsFor: createAzureClientFactory(config.azure),
      events: {
        index: runIndex,
        secrets: notifySecrets,
        allowLoopback: config.api.notifyAllowLoopback,
        eventGridTopicEndpoint: config.api.eventGridTopicEndpoint,
        credential: () => (credential ??= createCredential(config.azure)),
      },
    });
  }
  return activities[name];
}

function register<N extends ActivityName>(name: N): void {
  df.app.activity(name, {
    handler: async (input: unknown, context) => {
      // The orchestrator built this input from the same contract; history only erased its type.
      const result = await activity(name)(input as Parameters<Activities[N]>[0]);
      if (!result.ok) {
        context.warn(`${name} failed: ${result.error.code}`);
      }
      return result;
    },
  });
}

for (const name of Object.values(activityNames)) register(name);
