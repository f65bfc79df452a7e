import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { problem } from "../domain/problem.js";
import { isActive } from "../domain/statusDocument.js";
import { isIssuedId } from "./clusterIds.js";
import { findInstance } from "./instances.js";
import { json, notFound, problemResponse, urlFor } from "./responses.js";

/**
 * POST /api/clusters/{id}/cancel: stops the run between steps. Whatever was already created stays (and is reused by
 * the next POST); DELETE removes it.
 */
export async function cancelProvisioning(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isIssuedId(id)) {
    return notFound(String(id ?? ""), new URL(request.url).pathname);
  }
  const provision = await findInstance(client, id);
  if (provision === null) {
    return notFound(id, new URL(request.url).pathname);
  }
  const statusUrl = urlFor(request.url, `/api/clusters/${id}`);
  if (!isActive(provision)) {
    return problemResponse(
      problem(409, "Conflict", "This run has already finished; nothing to cancel.", { id, statusUrl }),
    );
  }
  await client.terminate(id, "Canceled through the API");
  return json(202, { id, status: "Canceled", statusUrl }, { Location: statusUrl });
}
