import type { ResourceGroupOutput } from "../../activities/contracts.js";
import { call } from "../activityCalls.js";
import type { Step } from "../runtime.js";
import type { ProvisionScope } from "./scope.js";

export function* resourceGroupPhase({ context, run, request }: ProvisionScope): Step<ResourceGroupOutput> {
  const group = yield* run.step(
    "resourceGroup",
    () =>
      call(context, "ensureResourceGroup", {
        subscriptionId: request.subscriptionId,
        resourceGroup: request.resourceGroup,
        location: request.location,
        tags: request.tags,
      }),
    (output) => (output.created ? "created" : "already existed"),
  );
  run.progress.resources.resourceGroupId = group.id;
  return group;
}
