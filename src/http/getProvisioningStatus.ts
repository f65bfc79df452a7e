import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { toStatusDocument, type StatusDocument } from "../domain/statusDocument.js";
import { isIssuedId } from "./clusterIds.js";
import { findInstance, teardownInstanceId } from "./instances.js";
import { json, notFound } from "./responses.js";

const finalStatuses = new Set(["Succeeded", "Failed", "Canceled", "Deleted"]);

export async function loadStatusDocument(client: DurableClient, id: string): Promise<StatusDocument | null> {
  const [provision, teardown] = await Promise.all([
    findInstance(client, id),
    findInstance(client, teardownInstanceId(id)),
  ]);
  return provision === null ? null : toStatusDocument(id, provision, teardown);
}

/** GET /api/clusters/{id}: progress step by step; Retry-After tells pollers when to come back while it runs. */
export async function getProvisioningStatus(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isIssuedId(id)) {
    return notFound(String(id ?? ""), new URL(request.url).pathname);
  }
  const document = await loadStatusDocument(client, id);
  if (document === null) {
    return notFound(id, new URL(request.url).pathname);
  }
  return json(200, document, finalStatuses.has(document.status) ? {} : { "Retry-After": "10" });
}
