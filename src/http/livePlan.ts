/**
 * The live half of POST /api/plans?live=true: read Azure (azure/liveReads.ts, loaded on first use so a cold start
 * stays cheap) and run the live check table over what was read. A subscription that cannot be read at all is one
 * problem+json answer (404, 403 or 502), never a 5xx with a stack.
 */
import type { AppConfig } from "../config.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { runLiveChecks, type LiveResult } from "../domain/live/checkTable.js";
import { problem, type ProblemDetails } from "../domain/problem.js";
import type { AzureClientFactory } from "../azure/clients.js";
import type { ServiceFailure } from "../azure/serviceFailure.js";

export interface LivePlanDependencies {
  config: AppConfig;
  /** Built on the first live plan: the SDK clients are most of the app's load time. */
  clientsFor: () => Promise<AzureClientFactory>;
}

export type LiveOutcome = { ok: true; live: LiveResult } | { ok: false; problem: ProblemDetails };

/** How a subscription-level failure reads to the caller: their subscription id is wrong, or Azure is unreachable. */
export function subscriptionProblem(subscriptionId: string, failure: ServiceFailure): ProblemDetails {
  const detail = { errors: [{ path: "subscriptionId", code: failure.code, message: failure.message }] };
  if (failure.statusCode === 404) {
    return problem(404, "Not Found", `Subscription '${subscriptionId}' was not found (${failure.code}).`, detail);
  }
  if (failure.service === "arm" && (failure.statusCode === 401 || failure.statusCode === 403)) {
    return problem(
      403,
      "Forbidden",
      `This API's identity may not read subscription '${subscriptionId}' (${failure.code}); grant it Reader there, or use another subscription.`,
      detail,
    );
  }
  return problem(
    502,
    "Bad Gateway",
    `Azure could not be reached for subscription '${subscriptionId}' (${failure.code}${failure.transient ? ", after retries" : ""}).`,
    detail,
  );
}

export async function livePlan(request: ClusterRequest, deps: LivePlanDependencies): Promise<LiveOutcome> {
  const [{ readLiveFacts, SubscriptionUnreachable }, clientsFor] = await Promise.all([
    import("../azure/liveReads.js"),
    deps.clientsFor(),
  ]);
  try {
    return {
      ok: true,
      live: runLiveChecks(request, await readLiveFacts(clientsFor, deps.config.azure.resourceManagerEndpoint, request)),
    };
  } catch (error) {
    if (error instanceof SubscriptionUnreachable) {
      return { ok: false, problem: subscriptionProblem(request.subscriptionId, error.failure) };
    }
    throw error;
  }
}
