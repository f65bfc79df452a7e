import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import { toStatusDocument, type StatusDocument } from "../domain/statusDocument.js";
import { accessDenied, requestCaller } from "./callers.js";
import { isIssuedId } from "./clusterIds.js";
import { etagOf, notModified } from "./etag.js";
import { findInstance, type toSnapshot } from "./instances.js";
import { notFound } from "./responses.js";
import { sharedReads } from "./sharedReads.js";

const finalStatuses = new Set(["Succeeded", "Failed", "Canceled", "Deleted"]);

export interface LoadedStatus {
  document: StatusDocument;
  instance: ReturnType<typeof toSnapshot>;
  /** The exact JSON served and its strong ETag. */
  body: string;
  /** The body encoded once, so GETs that share this read do not each encode it again. */
  bytes: Uint8Array;
  etag: string;
}

/**
 * One store read: a teardown runs under the run's own instance id and carries the provisioning run's final progress
 * in its input, so one instance always holds the whole document.
 */
export async function loadStatus(client: DurableClient, id: string): Promise<LoadedStatus | null> {
  const instance = await findInstance(client, id);
  if (instance === null) return null;
  const document = toStatusDocument(id, instance);
  const body = JSON.stringify(document);
  return { document, instance, body, bytes: Buffer.from(body), etag: etagOf(body) };
}

const statusReads = sharedReads<LoadedStatus | null>();
const readKey = (client: DurableClient, id: string) => `${client.taskHubName}/${id}`;

/** loadStatus for a GET: concurrent GETs of one run share the read in flight (see sharedReads.ts). */
function readStatus(client: DurableClient, id: string): Promise<LoadedStatus | null> {
  return statusReads.read(readKey(client, id), () => loadStatus(client, id));
}

/** After this process writes to a run (start, cancel, delete), its next GET must not join a read begun before. */
export function statusChanged(client: DurableClient, id: string): void {
  statusReads.forget(readKey(client, id));
}

export async function loadStatusDocument(client: DurableClient, id: string): Promise<StatusDocument | null> {
  return (await loadStatus(client, id))?.document ?? null;
}

/**
 * GET /api/clusters/{id}: progress step by step; Retry-After tells pollers when to come back while it runs, the ETag
 * lets them ask "changed?" (If-None-Match → 304) and guard a DELETE or cancel (If-Match).
 */
export async function getProvisioningStatus(
  request: HttpRequest,
  client: DurableClient,
  config?: AppConfig,
): Promise<HttpResponseInit> {
  const who = config === undefined ? null : requestCaller(request, config);
  if (who !== null && !who.ok) return who.response;
  const id = request.params.id;
  if (!isIssuedId(id)) {
    return notFound(String(id ?? ""), new URL(request.url).pathname);
  }
  const loaded = await readStatus(client, id);
  if (loaded === null) {
    return notFound(id, new URL(request.url).pathname);
  }
  // A signed-in caller reads only runs in the subscriptions and resource groups their grants cover.
  const target = loaded.document.request;
  if (who?.ok === true && config !== undefined && target !== null) {
    const denied = accessDenied(who.caller, config, target, "status.read", id, { allowList: false });
    if (denied !== null) return denied;
  }
  const headers: Record<string, string> = {
    ETag: loaded.etag,
    "Cache-Control": "no-cache",
    // A finished run still sending its events may show an interim IP table (omittedRows): come back for the rest soon.
    ...(!finalStatuses.has(loaded.document.status)
      ? { "Retry-After": "10" }
      : loaded.document.ipVerification?.omittedRows === undefined
        ? {}
        : { "Retry-After": "2" }),
  };
  if (notModified(request, loaded.etag)) return { status: 304, headers };
  return {
    status: 200,
    body: loaded.bytes,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  };
}
