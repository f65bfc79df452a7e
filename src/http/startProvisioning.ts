import { createHash } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import { admit } from "../domain/admission.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { provisioningId } from "../domain/names.js";
import { planCluster } from "../domain/planner.js";
import { unsupportedForProvisioning } from "../domain/provisioningSupport.js";
import { problem, validationProblem } from "../domain/problem.js";
import { runKeyOf, type RunMeta } from "../domain/runMeta.js";
import { isActive } from "../domain/statusDocument.js";
import { audit } from "../audit.js";
import type { ProvisionInput } from "../orchestrators/provisionCluster.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import { bodyHashOf } from "../store/requestKeys.js";
import { readJsonBody } from "./body.js";
import { decideChange, splitAcknowledge } from "./changeRequest.js";
import type { ChangePlan } from "../domain/changes/changePlan.js";
import { poolsToRemove } from "../domain/changes/changePlan.js";
import { egressToDetach, type EgressDetach } from "../domain/changes/networkChangeRules.js";
import { accessDenied, requestCaller } from "./callers.js";
import { existingRunOf, findInstance } from "./instances.js";
import { statusChanged } from "./statusReads.js";
import { splitNotify } from "./notify.js";
import { readKeyHeaders, type RequestKey } from "./requestKeyHeaders.js";
import { json, problemResponse, urlFor } from "./responses.js";
import { defaultStores, type HttpStores } from "./stores.js";

export function specHash(request: ClusterRequest): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

/**
 * The location allow-list: a platform team decides where this API may build. (The subscription allow-list covers every
 * scope the request touches, so it is checked with the caller's grants: callers.ts.)
 */
export function forbiddenReason(request: ClusterRequest, config: AppConfig): string | null {
  if (config.allowedLocations.length > 0 && !config.allowedLocations.includes(request.location.toLowerCase())) {
    return `Location '${request.location}' is not allowed; allowed: ${config.allowedLocations.join(", ")}.`;
  }
  return null;
}

/**
 * POST /api/clusters: validate and IP-plan first (400 with every violation, nothing started), then start — or join —
 * the run for this cluster. The id is derived from subscription/resource group/cluster, so retries of the same POST
 * never start a second run; with an Idempotency-Key or Repeatability-Request-ID a retry is answered with the first 202
 * without even reading the store.
 */
export async function startProvisioning(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
  stores: HttpStores = defaultStores(),
): Promise<HttpResponseInit> {
  const now = new Date();
  const who = requestCaller(request, config);
  if (!who.ok) return who.response;
  const caller = who.caller;
  const keyHeaders = readKeyHeaders(request, now);
  if (!keyHeaders.ok) return problemResponse(keyHeaders.problem, keyHeaders.headers);
  const body = await readJsonBody(request);
  if (!body.ok) {
    return problemResponse(body.problem);
  }
  const key = keyHeaders.key;
  const bodyHash = bodyHashOf(body.text);
  if (key !== null) {
    const remembered = await stores.keys.find(caller.name, key.header, key.key, now);
    if (remembered !== null) return replay(remembered, bodyHash, key);
  }
  const whatIf = whatIfFlag(request.url);
  if (whatIf === null) return problemResponse(badWhatIf());
  const acknowledged = splitAcknowledge(body.value);
  if (!acknowledged.ok) return problemResponse(acknowledged.problem);
  const split = splitNotify(acknowledged.spec, { allowLoopback: config.api.notifyAllowLoopback });
  if (!split.ok) return problemResponse(split.problem);
  const planned = planCluster(split.spec);
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
  const id = provisioningId(clusterRequest.subscriptionId, clusterRequest.resourceGroup, clusterRequest.clusterName);
  const denied = accessDenied(caller, config, clusterRequest, "run.requested", id);
  if (denied !== null) return denied;
  const forbidden = forbiddenReason(clusterRequest, config);
  if (forbidden !== null) {
    return problemResponse(problem(403, "Forbidden", forbidden));
  }
  const hash = specHash(clusterRequest);
  const statusUrl = urlFor(request.url, `/api/clusters/${id}`);
  let changePlan: ChangePlan | null = null;
  let detachEgress: EgressDetach | null = null;
  const accepted = async () => {
    const response = {
      bodyHash,
      status: 202,
      body: JSON.stringify({
        id,
        status: "Pending",
        statusUrl,
        warnings,
        ...(changePlan !== null && changePlan.changes.length > 0
          ? { changes: changePlan.changes.flatMap((change) => change.paths), changePlan }
          : {}),
      }),
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        Location: statusUrl,
        "Operation-Location": statusUrl,
        "Retry-After": "10",
      },
      firstSeen: now.toISOString(),
    };
    if (key === null) return { status: 202, body: response.body, headers: response.headers };
    const first = await stores.keys.remember(caller.name, key.header, key.key, response);
    return replay(first, bodyHash, key);
  };
  // One read: a teardown runs under the same instance id, carrying the run it replaced.
  const existing = await findInstance(client, id);
  const admission = admit(existing === null ? null : existingRunOf(id, existing), hash, whatIf);
  if (admission.decision === "join") return accepted();
  if (admission.decision === "conflict")
    return problemResponse(conflict(admission.reason, clusterRequest, id, statusUrl));
  // A cluster this API built and has not torn down: the new spec is a change, planned and checked before it runs.
  if (admission.decision === "change") {
    const decided = decideChange(admission.from, clusterRequest, acknowledged.acknowledge, { id, statusUrl });
    changePlan = decided.plan;
    detachEgress = egressToDetach(admission.from, clusterRequest);
    if (!decided.ok && !whatIf) return problemResponse(decided.problem);
  }
  if (whatIf) {
    // The plan even for a change the POST would refuse (refused, acknowledgementNeeded and failed checks say why);
    // a new cluster has no change plan: POST /api/plans answers its IP plan.
    return json(200, { id, statusUrl, exists: changePlan !== null, warnings, changePlan });
  }
  const acceptedAt = now.toISOString();
  const notify = split.notify;
  const meta: RunMeta = {
    clusterId: id,
    acceptedAt,
    requestedBy: caller.name,
    events: {
      webhook: notify === null ? null : { url: notify.url, signed: notify.secret !== null, steps: notify.steps },
      eventGrid: config.api.eventGridTopicEndpoint !== null,
    },
    secretRunKey: notify?.secret == null ? null : runKeyOf(acceptedAt),
  };
  if (notify?.secret != null) {
    // Out of the orchestration input: Durable history is stored and shown, the secret must be in neither.
    await stores.secrets.put(id, runKeyOf(acceptedAt), notify.secret);
  }
  const input: ProvisionInput = {
    request: clusterRequest,
    timings: config.timings,
    specHash: hash,
    meta,
    ...(changePlan === null || changePlan.changes.length === 0
      ? {}
      : {
          change: {
            codes: [...new Set(changePlan.changes.map((change) => change.code))],
            removePools: poolsToRemove(changePlan),
            ...(detachEgress === null ? {} : { detachEgress }),
            summaries: changePlan.changes.map(({ code, kind, paths, summary }) => ({ code, kind, paths, summary })),
          },
        }),
  };
  try {
    await client.startNew(orchestrationNames.provisionCluster, { instanceId: id, input });
    statusChanged(client, id);
  } catch (error) {
    // Two POSTs raced past the check above: the host refuses the second start. Join the run if it is this spec.
    const winner = await findInstance(client, id);
    if (winner === null || !isActive(winner)) throw error;
    const raced = admit(existingRunOf(id, winner), hash, false);
    if (raced.decision === "conflict") return problemResponse(conflict(raced.reason, clusterRequest, id, statusUrl));
    return accepted();
  }
  // Stamped when it was accepted: the run may already have logged run.running before startNew returned here.
  audit(
    {
      action: "run.accepted",
      who: caller.name,
      clusterId: id,
      outcome: "Pending",
      ...(input.change === undefined ? {} : { detail: `changes: ${input.change.codes.join(", ")}` }),
    },
    new Date(acceptedAt),
  );
  return accepted();
}

function conflict(
  reason: "being-deleted" | "other-spec-running",
  request: ClusterRequest,
  id: string,
  statusUrl: string,
) {
  return reason === "being-deleted"
    ? problem(409, "Conflict", `Cluster '${request.clusterName}' is being deleted; try again when that finishes.`, {
        id,
      })
    : problem(
        409,
        "Conflict",
        `A run with a different spec is in progress for cluster '${request.clusterName}'; cancel it or wait.`,
        { id, statusUrl },
      );
}

/** `?whatIf=true` answers the change plan and starts nothing; anything but true/false is a typo worth refusing. */
function whatIfFlag(url: string): boolean | null {
  const value = new URL(url).searchParams.get("whatIf");
  if (value === null || value === "false") return false;
  return value === "true" ? true : null;
}

function badWhatIf() {
  return problem(400, "Bad Request", "Query parameter 'whatIf' must be true or false.", {
    errors: [{ path: "whatIf", code: "invalid-query", message: "whatIf must be true or false" }],
  });
}

/** The first answer to this key again; the same key with a different body is the caller's mistake (422). */
function replay(
  remembered: { bodyHash: string; status: number; body: string; headers: Record<string, string> },
  bodyHash: string,
  key: RequestKey,
): HttpResponseInit {
  const repeatability: Record<string, string> =
    key.header === "repeatability-request-id" ? { "Repeatability-Result": "accepted" } : {};
  if (remembered.bodyHash !== bodyHash) {
    const name = key.header === "idempotency-key" ? "Idempotency-Key" : "Repeatability-Request-ID";
    const message = `${name} was already used with a different request body; use a new key for a new request`;
    return problemResponse(
      problem(422, "Unprocessable Content", `${message}.`, { errors: [{ path: name, code: "key-reused", message }] }),
      key.header === "repeatability-request-id" ? { "Repeatability-Result": "rejected" } : {},
    );
  }
  return { status: remembered.status, body: remembered.body, headers: { ...remembered.headers, ...repeatability } };
}
