import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import { isActive } from "../domain/statusDocument.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import type { TeardownInput } from "../orchestrators/teardownCluster.js";
import { isIssuedId } from "./clusterIds.js";
import { findInstance, provisionInputOf, teardownInstanceId } from "./instances.js";
import { json, notFound, problemResponse, urlFor } from "./responses.js";

/** DELETE /api/clusters/{id}[?scope=resourceGroup]: teardown as its own run, reported at the same status URL. */
export async function deleteCluster(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isIssuedId(id)) {
    return notFound(String(id ?? ""), new URL(request.url).pathname);
  }
  const scopeParam = request.query.get("scope") ?? "cluster";
  if (scopeParam !== "cluster" && scopeParam !== "resourceGroup") {
    return problemResponse(
      problem(400, "Bad Request", "scope must be 'cluster' or 'resourceGroup'.", {
        errors: [{ path: "scope", code: "invalid-enum", message: "scope must be 'cluster' or 'resourceGroup'" }],
      }),
    );
  }
  const provision = await findInstance(client, id);
  if (provision === null) {
    return notFound(id, new URL(request.url).pathname);
  }
  const statusUrl = urlFor(request.url, `/api/clusters/${id}`);
  const accepted = json(202, { id, status: "Deleting", statusUrl }, { Location: statusUrl, "Retry-After": "10" });
  if (isActive(provision)) {
    return problemResponse(
      problem(409, "Conflict", "Provisioning is still running; cancel it first (POST …/cancel).", { id, statusUrl }),
    );
  }
  const teardown = await findInstance(client, teardownInstanceId(id));
  if (isActive(teardown)) {
    return accepted;
  }
  const started = provisionInputOf(provision);
  if (started === null) {
    return problemResponse(
      problem(409, "Conflict", "This run has no cluster request to tear down.", { id, statusUrl }),
    );
  }
  const clusterRequest = started.request;
  const input: TeardownInput = {
    cluster: {
      subscriptionId: clusterRequest.subscriptionId,
      resourceGroup: clusterRequest.resourceGroup,
      clusterName: clusterRequest.clusterName,
    },
    scope: scopeParam,
    timings: config.timings,
  };
  try {
    await client.startNew(orchestrationNames.teardownCluster, { instanceId: teardownInstanceId(id), input });
  } catch (error) {
    // Concurrent DELETEs raced past the check above and the host refused the second start: the teardown is running.
    if (!isActive(await findInstance(client, teardownInstanceId(id)))) throw error;
  }
  return accepted;
}
