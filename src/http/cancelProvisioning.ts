import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { audit } from "../audit.js";
import type { AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import { runKeyOf } from "../domain/runMeta.js";
import { isActive, previousRunOf } from "../domain/statusDocument.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import { runCanceledInstanceId, type RunCanceledInput } from "../orchestrators/runCanceled.js";
import { preconditionFails } from "./etag.js";
import { provisionInputOf } from "./instances.js";
import { preconditionFailed } from "./preconditions.js";
import { json, problemResponse } from "./responses.js";
import { loadVisibleRun } from "./runAccess.js";
import { statusChanged } from "./statusReads.js";

/**
 * POST /api/clusters/{id}/cancel: stops the run between steps. Whatever was already created stays (and is reused by
 * the next POST); DELETE removes it. A terminated run cannot report its own end, so a small orchestration records the
 * Canceled state and delivers the `canceled` event.
 */
export async function cancelProvisioning(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
): Promise<HttpResponseInit> {
  const run = await loadVisibleRun(request, client, config, { action: "cancel.requested", allowList: true });
  if (!run.ok) return run.response;
  const { id, loaded, statusUrl } = run;
  const caller = run.caller;
  const started = provisionInputOf(loaded.instance);
  if (preconditionFails(request, loaded.etag)) return preconditionFailed(id, loaded.etag, statusUrl);
  if (!isActive(loaded.instance) || previousRunOf(loaded.instance) !== null) {
    return problemResponse(
      problem(409, "Conflict", "This run has already finished; nothing to cancel.", { id, statusUrl }),
    );
  }
  await client.terminate(id, "Canceled through the API");
  statusChanged(client, id);
  audit({ action: "cancel.requested", who: caller.name, clusterId: id, outcome: "Canceled" });
  const meta = started?.meta;
  if (meta !== undefined && started !== null) {
    const input: RunCanceledInput = {
      meta,
      createdAt: meta.acceptedAt,
      subscriptionId: started.request.subscriptionId,
      resourceGroup: started.request.resourceGroup,
      clusterName: started.request.clusterName,
      actor: caller.name,
      pollSeconds: started.timings.clusterPollIntervalSeconds,
    };
    try {
      await client.startNew(orchestrationNames.runCanceled, {
        instanceId: runCanceledInstanceId(id, runKeyOf(meta.acceptedAt)),
        input,
      });
    } catch (error) {
      // A second cancel of the same run: its announcement is already under way.
      if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
    }
  }
  return json(202, { id, status: "Canceled", statusUrl }, { Location: statusUrl, "Operation-Location": statusUrl });
}
