import * as df from "durable-functions";
import { activityNames, type ActivityName } from "../activities/contracts.js";
import { createActivities, type ActivityHandler } from "../activities/index.js";
import { createAzureClientFactory } from "../azure/clients.js";
import { appConfig } from "../config.js";

let activities: Record<ActivityName, ActivityHandler> | undefined;

// Built on first use: the config is read (and validated) once, and the credential is shared so tokens are cached.
function activity(name: ActivityName): ActivityHandler {
  activities ??= createActivities({ clientsFor: createAzureClientFactory(appConfig().azure) });
  return activities[name];
}

for (const name of Object.values(activityNames)) {
  df.app.activity(name, {
    handler: async (input: unknown, context) => {
      const result = await activity(name)(input as never);
      if (!result.ok) {
        context.warn(`${name} failed: ${result.error.code}`);
      }
      return result;
    },
  });
}
