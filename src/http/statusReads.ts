/**
 * Reading a run's status document: one store read, its exact JSON and strong ETag; concurrent GETs share a read.
 */
import type { DurableClient } from "durable-functions";
import { runKeyOf } from "../domain/runMeta.js";
import { metaOf, toStatusDocument, withCancelOutcome, type StatusDocument } from "../domain/statusDocument.js";
import { runCanceledInstanceId } from "../orchestrators/runCanceled.js";
import { etagOf } from "./etag.js";
import { findInstance, type toSnapshot } from "./instances.js";
import { sharedReads } from "./sharedReads.js";

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
 * in its input, so one instance always holds the whole document. A canceled run takes a second read: the small
 * orchestration that announced the cancel holds the abort's outcome.
 */
export async function loadStatus(client: DurableClient, id: string): Promise<LoadedStatus | null> {
  const instance = await findInstance(client, id);
  if (instance === null) return null;
  let document = toStatusDocument(id, instance);
  const meta = metaOf(instance);
  if (document.status === "Canceled" && meta !== null) {
    const announced = await findInstance(client, runCanceledInstanceId(id, runKeyOf(meta.acceptedAt)));
    document = withCancelOutcome(document, announced);
  }
  const body = JSON.stringify(document);
  return { document, instance, body, bytes: Buffer.from(body), etag: etagOf(body) };
}

const statusReads = sharedReads<LoadedStatus | null>();
const readKey = (client: DurableClient, id: string) => `${client.taskHubName}/${id}`;

/** loadStatus for a GET: concurrent GETs of one run share the read in flight (see sharedReads.ts). */
export function readStatus(client: DurableClient, id: string): Promise<LoadedStatus | null> {
  return statusReads.read(readKey(client, id), () => loadStatus(client, id));
}

/** After this process writes to a run (start, cancel, delete), its next GET must not join a read begun before. */
export function statusChanged(client: DurableClient, id: string): void {
  statusReads.forget(readKey(client, id));
}

export async function loadStatusDocument(client: DurableClient, id: string): Promise<StatusDocument | null> {
  return (await loadStatus(client, id))?.document ?? null;
}
