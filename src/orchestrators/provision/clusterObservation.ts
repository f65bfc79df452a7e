/**
 * How the run sees inside the cluster. A public API server is read directly; a private one only answers inside its
 * VNet, so the run goes through AKS run command (kubectl in a pod AKS starts) and reads the result on durable timers.
 * Both give the same observation, so verification does not care which transport was used.
 */
import type { ClusterIps } from "../../domain/observations.js";
import { call, PermanentFailure } from "../activityCalls.js";
import { deadline, pastDeadline, insideClusterPollSeconds, sleep, type Step } from "../runtime.js";
import { clusterRefOf, type ProvisionScope } from "./scope.js";

/** Run command usually answers in seconds to a minute (a pod has to start); more than this is a stuck command. */
const commandTimeoutMinutes = 10;

export const observesThroughRunCommand = (scope: ProvisionScope) => scope.request.apiServer.private;

export function* observeCluster(scope: ProvisionScope): Step<ClusterIps> {
  const { context, request, timings } = scope;
  const ref = clusterRefOf(request);
  if (!observesThroughRunCommand(scope)) return yield* call(context, "observeClusterIps", ref);
  const commands = yield* call(context, "beginClusterObservation", ref);
  const until = deadline(context, commandTimeoutMinutes);
  for (;;) {
    const result = yield* call(context, "getClusterObservation", { ...ref, commands });
    if (result.state === "done") return result.observed;
    if (pastDeadline(context, until)) {
      throw new PermanentFailure({
        code: "RunCommandTimeout",
        message: `kubectl through AKS run command did not finish in ${commandTimeoutMinutes} minutes`,
      });
    }
    yield* sleep(context, insideClusterPollSeconds(timings));
  }
}
