import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { audit } from "../audit.js";
import type { AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import type { RunProgress, StepState } from "../domain/progress.js";
import type { RunMeta } from "../domain/runMeta.js";
import { isActive, isFinishing, previousRunOf, toStatusDocument, type PreviousRun } from "../domain/statusDocument.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import type { TeardownInput } from "../orchestrators/teardownCluster.js";
import { preconditionFails } from "./etag.js";
import { settledInstance, stillDelivering } from "./finishingRuns.js";
import { findInstance, originOf } from "./instances.js";
import { preconditionFailed } from "./preconditions.js";
import { json, notFound, problemResponse } from "./responses.js";
import { loadVisibleRun } from "./runAccess.js";
import { statusChanged } from "./statusReads.js";

/**
 * DELETE /api/clusters/{id}[?scope=resourceGroup]: the teardown runs under the run's own instance id, replacing the
 * finished provisioning instance and carrying its final progress, so the status URL (one store read) tells the whole
 * story. `waitMs` bounds the wait for a run still sending its completion events (finishingRuns.ts).
 */
export async function deleteCluster(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
  waitMs?: number,
): Promise<HttpResponseInit> {
  const scopeParam = request.query.get("scope") ?? "cluster";
  if (scopeParam !== "cluster" && scopeParam !== "resourceGroup") {
    return problemResponse(
      problem(400, "Bad Request", "scope must be 'cluster' or 'resourceGroup'.", {
        errors: [{ path: "scope", code: "invalid-enum", message: "scope must be 'cluster' or 'resourceGroup'" }],
      }),
    );
  }
  const run = await loadVisibleRun(request, client, config, { action: "delete.requested", allowList: true });
  if (!run.ok) return run.response;
  const { id, loaded, statusUrl } = run;
  const caller = run.caller;
  if (preconditionFails(request, loaded.etag)) return preconditionFailed(id, loaded.etag, statusUrl);
  const headers = { Location: statusUrl, "Operation-Location": statusUrl, "Retry-After": "10" };
  const accepted = json(202, { id, status: "Deleting", statusUrl }, headers);
  // A caller that saw Succeeded (or Failed) may DELETE at once, while the run still sends its completion events and
  // Durable will not start the teardown under its id yet: wait for the run to end rather than refuse.
  const instance = isFinishing(loaded.instance)
    ? await settledInstance(client, id, loaded.instance, waitMs)
    : loaded.instance;
  if (instance === null) return notFound(id, new URL(request.url).pathname);
  const tearingDown = previousRunOf(instance) !== null;
  if (isActive(instance)) {
    if (tearingDown) return accepted;
    if (isFinishing(instance)) return stillDelivering(id, statusUrl, "DELETE");
    return stillRunning(id, statusUrl);
  }
  const origin = originOf(instance);
  if (origin === null) {
    return problemResponse(
      problem(409, "Conflict", "This run has no cluster request to tear down.", { id, statusUrl }),
    );
  }
  const steps = instance === loaded.instance ? loaded.document.steps : toStatusDocument(id, instance).steps;
  const clusterRequest = origin.request;
  const acceptedAt = new Date().toISOString();
  const meta: RunMeta | undefined =
    origin.meta === null ? undefined : { ...origin.meta, acceptedAt, requestedBy: caller.name };
  const input: TeardownInput = {
    cluster: {
      subscriptionId: clusterRequest.subscriptionId,
      resourceGroup: clusterRequest.resourceGroup,
      clusterName: clusterRequest.clusterName,
    },
    scope: scopeParam,
    timings: config.timings,
    // A teardown replaced by another (DELETE after a failed delete) passes the provisioning run on unchanged.
    previous: tearingDown ? origin : { ...origin, progress: settledForTeardown(steps, origin) },
    ...(meta === undefined ? {} : { meta }),
  };
  try {
    await client.startNew(orchestrationNames.teardownCluster, { instanceId: id, input });
    statusChanged(client, id);
  } catch (error) {
    // Another request raced past the check above and the host refused this start. A DELETE's teardown is what this
    // one would have started; a POST's new run is answered as if this DELETE had come a moment later.
    const now = await findInstance(client, id);
    if (now === null || !isActive(now)) throw error;
    return previousRunOf(now) === null ? stillRunning(id, statusUrl) : accepted;
  }
  audit({ action: "delete.requested", who: caller.name, clusterId: id, outcome: "Deleting" });
  return accepted;
}

function stillRunning(id: string, statusUrl: string) {
  return problemResponse(
    problem(409, "Conflict", "Provisioning is still running; cancel it first (POST …/cancel).", { id, statusUrl }),
  );
}

/** The provisioning run's progress as its document showed it (a canceled run's running step shown as canceled). */
function settledForTeardown(steps: StepState[], origin: PreviousRun): RunProgress | null {
  return origin.progress === null ? null : { ...origin.progress, steps };
}
