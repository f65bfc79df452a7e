import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import {
  admit,
  conflictProblem,
  decideAdmission,
  refuseRequest,
  specHash,
  type RunChange,
} from "../domain/admission.js";
import type { ChangePlan } from "../domain/changes/changePlan.js";
import { provisioningId } from "../domain/names.js";
import { acceptedRun, whatIfAnswer } from "../domain/runAnswers.js";
import { runKeyOf, type RunMeta } from "../domain/runMeta.js";
import { isActive, isFinishing } from "../domain/statusDocument.js";
import { audit } from "../audit.js";
import type { ProvisionInput } from "../orchestrators/provisionCluster.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import { accessDenied } from "./callers.js";
import { settledInstance, stillDelivering } from "./finishingRuns.js";
import { existingRunOf, findInstance } from "./instances.js";
import { readProvisionPost, replay, type ProvisionPost } from "./provisionPost.js";
import { json, problemResponse, urlFor } from "./responses.js";
import { statusChanged } from "./statusReads.js";
import { defaultStores, type HttpStores } from "./stores.js";

interface Run {
  id: string;
  statusUrl: string;
  hash: string;
  now: Date;
}

/**
 * POST /api/clusters: validate and IP-plan first (400 with every violation, nothing started), then start (or join)
 * the run for this cluster. The id is derived from subscription/resource group/cluster, so retries of the same POST
 * never start a second run; with an Idempotency-Key or Repeatability-Request-ID a retry is answered with the first 202
 * without even reading the store. What to do is domain/admission.ts's decision; this reads and writes around it.
 */
export async function startProvisioning(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
  stores: HttpStores = defaultStores(),
): Promise<HttpResponseInit> {
  const now = new Date();
  const read = await readProvisionPost(request, config, stores, now);
  if (!read.ok) return read.response;
  const post = read.post;
  const { subscriptionId, resourceGroup, clusterName } = post.request;
  const id = provisioningId(subscriptionId, resourceGroup, clusterName);
  const denied = accessDenied(post.caller, config, post.request, "run.requested", id);
  if (denied !== null) return denied;
  const refused = refuseRequest(post.request, config, new URL(request.url).pathname);
  if (refused !== null) return problemResponse(refused);
  const run: Run = { id, statusUrl: urlFor(request.url, `/api/clusters/${id}`), hash: specHash(post.request), now };
  // One read: a teardown runs under the same instance id, carrying the run it replaced. A run that already reads
  // Succeeded (or Failed, or Deleted) but still sends its completion events is waited for, then judged as ended.
  const found = await findInstance(client, id);
  const existing = isFinishing(found) ? await settledInstance(client, id, found) : found;
  if (isFinishing(existing)) return stillDelivering(id, run.statusUrl, "POST");
  const outcome = decideAdmission({
    request: post.request,
    specHash: run.hash,
    existing: existing === null ? null : existingRunOf(id, existing),
    whatIf: post.whatIf,
    acknowledged: post.acknowledged,
    where: run,
  });
  switch (outcome.kind) {
    case "refuse":
      return problemResponse(outcome.problem);
    case "what-if":
      return json(200, whatIfAnswer(run, post.warnings, outcome.plan));
    case "join":
      return accepted(post, run, null, stores);
    case "start":
      return startRun(post, run, outcome, client, config, stores);
  }
}

async function startRun(
  post: ProvisionPost,
  run: Run,
  start: { plan: ChangePlan | null; change: RunChange | null },
  client: DurableClient,
  config: AppConfig,
  stores: HttpStores,
): Promise<HttpResponseInit> {
  const acceptedAt = run.now.toISOString();
  const notify = post.notify;
  const meta: RunMeta = {
    clusterId: run.id,
    acceptedAt,
    requestedBy: post.caller.name,
    events: {
      webhook: notify === null ? null : { url: notify.url, signed: notify.secret !== null, steps: notify.steps },
      eventGrid: config.api.eventGridTopicEndpoint !== null,
    },
    secretRunKey: notify?.secret == null ? null : runKeyOf(acceptedAt),
  };
  if (notify?.secret != null) {
    // Out of the orchestration input: Durable history is stored and shown, the secret must be in neither.
    await stores.secrets.put(run.id, runKeyOf(acceptedAt), notify.secret);
  }
  const input: ProvisionInput = {
    request: post.request,
    timings: config.timings,
    specHash: run.hash,
    meta,
    ...(start.change === null ? {} : { change: start.change }),
  };
  try {
    await client.startNew(orchestrationNames.provisionCluster, { instanceId: run.id, input });
    statusChanged(client, run.id);
  } catch (error) {
    // Two POSTs raced past the check above: the host refuses the second start. Join the run if it is this spec.
    const winner = await findInstance(client, run.id);
    if (winner === null || !isActive(winner)) throw error;
    const raced = admit(existingRunOf(run.id, winner), run.hash, false);
    if (raced.decision === "conflict") {
      return problemResponse(conflictProblem(raced.reason, post.request.clusterName, run));
    }
    return accepted(post, run, start.plan, stores);
  }
  // Stamped when it was accepted: the run may already have logged run.running before startNew returned here.
  audit(
    {
      action: "run.accepted",
      who: post.caller.name,
      clusterId: run.id,
      outcome: "Pending",
      ...(start.change === null ? {} : { detail: `changes: ${start.change.codes.join(", ")}` }),
    },
    new Date(acceptedAt),
  );
  return accepted(post, run, start.plan, stores);
}

/** The 202; with a request key it is remembered first, and whichever answer was remembered first is the one sent. */
async function accepted(
  post: ProvisionPost,
  run: Run,
  plan: ChangePlan | null,
  stores: HttpStores,
): Promise<HttpResponseInit> {
  const body = JSON.stringify(acceptedRun(run, post.warnings, plan));
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    Location: run.statusUrl,
    "Operation-Location": run.statusUrl,
    "Retry-After": "10",
  };
  if (post.key === null) return { status: 202, body, headers };
  const response = { bodyHash: post.bodyHash, status: 202, body, headers, firstSeen: run.now.toISOString() };
  const first = await stores.keys.remember(post.caller.name, post.key.header, post.key.key, response);
  return replay(first, post.bodyHash, post.key);
}
