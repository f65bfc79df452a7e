import { createHash } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { provisioningId } from "../domain/names.js";
import { planCluster } from "../domain/planner.js";
import { unsupportedForProvisioning } from "../domain/provisioningSupport.js";
import { problem, validationProblem } from "../domain/problem.js";
import { specChanges } from "../domain/specChanges.js";
import { isActive, toStatusDocument } from "../domain/statusDocument.js";
import type { ProvisionInput } from "../orchestrators/provisionCluster.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import { findInstance, provisionInputOf, teardownInstanceId } from "./instances.js";
import { json, problemResponse, urlFor } from "./responses.js";
import { readJsonBody } from "./body.js";

export function specHash(request: ClusterRequest): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

/** Subscription and location allow-lists: a platform team decides where this API may build. */
export function forbiddenReason(request: ClusterRequest, config: AppConfig): string | null {
  if (
    config.allowedSubscriptionIds.length > 0 &&
    !config.allowedSubscriptionIds.includes(request.subscriptionId.toLowerCase())
  ) {
    return `Subscription '${request.subscriptionId}' is not in this API's allowed subscriptions.`;
  }
  if (config.allowedLocations.length > 0 && !config.allowedLocations.includes(request.location.toLowerCase())) {
    return `Location '${request.location}' is not allowed; allowed: ${config.allowedLocations.join(", ")}.`;
  }
  return null;
}

/**
 * POST /api/clusters: validate and IP-plan first (400 with every violation, nothing started), then start — or join —
 * the run for this cluster. The id is derived from subscription/resource group/cluster, so retries of the same POST
 * never start a second run.
 */
export async function startProvisioning(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) {
    return problemResponse(body.problem);
  }
  const planned = planCluster(body.value);
  if (!planned.ok) {
    return problemResponse(validationProblem(planned.violations, new URL(request.url).pathname));
  }
  const clusterRequest = planned.request;
  // Planned but not yet buildable: refuse rather than start a run that would silently leave a field out.
  const gaps = unsupportedForProvisioning(clusterRequest);
  if (gaps.length > 0) {
    return problemResponse(validationProblem(gaps, new URL(request.url).pathname));
  }
  const warnings = planned.warnings;
  const forbidden = forbiddenReason(clusterRequest, config);
  if (forbidden !== null) {
    return problemResponse(problem(403, "Forbidden", forbidden));
  }

  const id = provisioningId(clusterRequest.subscriptionId, clusterRequest.resourceGroup, clusterRequest.clusterName);
  const hash = specHash(clusterRequest);
  const statusUrl = urlFor(request.url, `/api/clusters/${id}`);
  let inPlace: string[] = [];
  const accepted = () =>
    json(
      202,
      { id, status: "Pending", statusUrl, warnings, ...(inPlace.length > 0 ? { changes: inPlace } : {}) },
      { Location: statusUrl, "Retry-After": "10" },
    );

  const [existing, teardown] = await Promise.all([
    findInstance(client, id),
    findInstance(client, teardownInstanceId(id)),
  ]);
  if (isActive(teardown)) {
    return problemResponse(
      problem(
        409,
        "Conflict",
        `Cluster '${clusterRequest.clusterName}' is being deleted; try again when that finishes.`,
        { id },
      ),
    );
  }
  const previous = existing === null ? null : provisionInputOf(existing);
  if (existing !== null && isActive(existing)) {
    if (previous?.specHash === hash) {
      return accepted();
    }
    return problemResponse(
      problem(
        409,
        "Conflict",
        `A run with a different spec is in progress for cluster '${clusterRequest.clusterName}'; cancel it or wait.`,
        { id, statusUrl },
      ),
    );
  }
  // A cluster this API built and has not torn down: only what AKS can change in place may differ.
  const built = existing !== null && toStatusDocument(id, existing, teardown).status === "Succeeded";
  const changes = previous !== null && built ? specChanges(previous.request, clusterRequest) : null;
  if (changes !== null && changes.immutable.length > 0) {
    return problemResponse(
      problem(
        409,
        "Conflict",
        `Cluster '${clusterRequest.clusterName}' exists with a different ${changes.immutable.join(", ")}; AKS cannot change ${changes.immutable.length === 1 ? "it" : "these"} in place. Delete the cluster first, or send the spec it was built with.`,
        {
          id,
          statusUrl,
          errors: changes.immutable.map((path) => ({
            path,
            code: "immutable-field",
            message: `${path} differs from the existing cluster and cannot change in place`,
          })),
        },
      ),
    );
  }
  inPlace = changes?.inPlace ?? [];
  if (teardown !== null) {
    // A fresh run after a teardown: the old teardown history no longer describes this cluster.
    await client.purgeInstanceHistory(teardownInstanceId(id));
  }
  const input: ProvisionInput = { request: clusterRequest, timings: config.timings, specHash: hash };
  try {
    await client.startNew(orchestrationNames.provisionCluster, { instanceId: id, input });
  } catch (error) {
    // Two POSTs raced past the check above: the host refuses the second start. Join the run if it is this spec.
    const winner = await findInstance(client, id);
    if (winner === null || !isActive(winner)) throw error;
    if (provisionInputOf(winner)?.specHash !== hash) {
      return problemResponse(
        problem(
          409,
          "Conflict",
          `A run with a different spec is in progress for cluster '${clusterRequest.clusterName}'; cancel it or wait.`,
          {
            id,
            statusUrl,
          },
        ),
      );
    }
  }
  return accepted();
}
