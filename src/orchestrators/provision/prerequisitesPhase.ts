import type { Task } from "durable-functions";
import type { IdentityOutput, NetworkOutput } from "../../activities/contracts.js";
import type { StepName } from "../../domain/progress.js";
import { PermanentFailure, schedule, settleEach, type Scheduled } from "../activityCalls.js";
import { scheduleFeatures } from "../ensureFeatures.js";
import type { StepError, Step } from "../runtime.js";
import { poolSubnets } from "./poolSubnets.js";
import type { EgressResources } from "./egressPhase.js";
import type { ProvisionScope } from "./scope.js";

export interface Prerequisites {
  network: NetworkOutput;
  identity: IdentityOutput;
  /** Set by the egress step after this phase; null when the outbound type needs nothing built. */
  egress?: EgressResources | null;
}

/**
 * Network, identity and preview features do not depend on each other, so they run side by side. Each records its own
 * completion (or failure) as it settles; the run fails on the first failure once all three have settled.
 */
export function* prerequisitesPhase({ context, run, request, timings }: ProvisionScope): Step<Prerequisites> {
  const net = request.network;
  const network = schedule(context, "ensureNetwork", {
    subscriptionId: request.subscriptionId,
    location: request.location,
    vnet: net.vnet,
    nodeSubnet: net.nodeSubnet,
    podSubnet: net.podSubnet,
    poolSubnets: poolSubnets(request),
    apiServerSubnet: request.apiServer.vnetIntegration ? net.apiServerSubnet : null,
    tags: request.tags,
  });
  const identity = schedule(context, "ensureManagedIdentity", {
    subscriptionId: request.subscriptionId,
    resourceGroup: request.resourceGroup,
    location: request.location,
    name: request.identity.name,
    tags: request.tags,
  });
  const features =
    request.features.length === 0
      ? null
      : scheduleFeatures(context, {
          subscriptionId: request.subscriptionId,
          features: request.features,
          pollIntervalSeconds: timings.featurePollIntervalSeconds,
          timeoutMinutes: 60,
          transientRetryFirstSeconds: timings.transientRetryFirstSeconds,
        });

  run.start("network", null, false);
  run.start("identity", null, false);
  if (features === null) run.skip("features", "no preview features requested");
  else run.start("features", request.features.join(", "), false);
  run.publish();

  const settled: Partial<Prerequisites> = {};
  const failures: StepError[] = [];
  const settle = function* <T>(step: StepName, scheduled: Scheduled<T>, done: (value: T) => string): Step<void> {
    const result = yield* scheduled.result();
    if (result.ok) run.complete(step, done(result.value));
    else failures.push(run.failStep(new PermanentFailure(result.error), step));
  };
  const branches = new Map<Task, () => Step<void>>([
    [
      network.task,
      () =>
        settle("network", network, (value) => {
          settled.network = value;
          Object.assign(run.progress.resources, {
            vnetId: value.vnetId,
            nodeSubnetId: value.nodeSubnetId,
            ...(value.podSubnetId === null ? {} : { podSubnetId: value.podSubnetId }),
            ...(value.apiServerSubnetId === null ? {} : { apiServerSubnetId: value.apiServerSubnetId }),
          });
          return value.created.length > 0 ? `created ${value.created.join(", ")}` : "already existed";
        }),
    ],
    [
      identity.task,
      () =>
        settle("identity", identity, (value) => {
          settled.identity = value;
          run.progress.resources.identityId = value.id;
          run.progress.resources.identityPrincipalId = value.principalId;
          return value.created ? "created" : "already existed";
        }),
    ],
  ]);
  if (features !== null) {
    branches.set(features.task, () =>
      settle("features", features, (value) =>
        value.features
          .map((f) => `${f.feature}: ${f.state === "NotNeeded" ? "not needed (generally available)" : f.state}`)
          .join("; "),
      ),
    );
  }
  yield* settleEach(context, [...branches.keys()], function* (task) {
    const branch = branches.get(task);
    if (branch !== undefined) yield* branch();
  });

  const [firstFailure] = failures;
  if (firstFailure !== undefined) throw firstFailure;
  if (settled.network === undefined || settled.identity === undefined) {
    throw new Error("a prerequisite settled without a result");
  }
  return { network: settled.network, identity: settled.identity };
}
