/**
 * Registers every activity with Durable. This is the activity side of the Durable boundary: the one place where the
 * untyped input from history meets the typed contract.
 */
import * as df from "durable-functions";
import { activityNames, type Activities, type ActivityName } from "../activities/contracts.js";

let activities: Promise<Activities> | undefined;

// Built on first use, with its SDK clients loaded then (see activities/bootstrap.ts): a cold start stays cheap.
async function activity<N extends ActivityName>(name: N): Promise<Activities[N]> {
  activities ??= import("../activities/bootstrap.js").then((bootstrap) => bootstrap.buildActivities());
  return (await activities)[name];
}

function register<N extends ActivityName>(name: N): void {
  df.app.activity(name, {
    handler: async (input: unknown, context) => {
      // The orchestrator built this input from the same contract; history only erased its type.
      const result = await (await activity(name))(input as Parameters<Activities[N]>[0]);
      if (!result.ok) {
        context.warn(`${name} failed: ${result.error.code}`);
      }
      return result;
    },
  });
}

for (const name of Object.values(activityNames)) register(name);
