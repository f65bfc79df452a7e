/**
 * The prologue GET, cancel and DELETE of one run share: a caller it can name, an id this API issues, a run that exists,
 * and one inside the caller's grants. Anything else is the answer (404, 401, 403), so the three cannot disagree on
 * what a caller may see.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AppConfig } from "../config.js";
import type { Caller } from "../identity/caller.js";
import { accessDenied, requestCaller } from "./callers.js";
import { isIssuedId } from "./clusterIds.js";
import { notFound, urlFor } from "./responses.js";
import { loadStatus, type LoadedStatus } from "./statusReads.js";

export type VisibleRun<C extends Caller | null = Caller | null> =
  | { ok: true; id: string; caller: C; loaded: LoadedStatus; statusUrl: string }
  | { ok: false; response: HttpResponseInit };

type ReadStatus = (client: DurableClient, id: string) => Promise<LoadedStatus | null>;

/**
 * `access.action` names the attempt in the audit line of a refusal; `allowList: false` lets a caller read a run outside
 * today's subscription allow-list (it may have been started before the list changed). Without a config (handler tests
 * of the bare read) no caller is resolved and no grant is checked.
 */
export async function loadVisibleRun(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig,
  access: { action: string; allowList: boolean },
  read?: ReadStatus,
): Promise<VisibleRun<Caller>>;
export async function loadVisibleRun(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig | undefined,
  access: { action: string; allowList: boolean },
  read?: ReadStatus,
): Promise<VisibleRun>;
export async function loadVisibleRun(
  request: HttpRequest,
  client: DurableClient,
  config: AppConfig | undefined,
  access: { action: string; allowList: boolean },
  read: ReadStatus = loadStatus,
): Promise<VisibleRun> {
  // The caller first: without a credential nothing is answered about the id, not even whether it could exist.
  const who = config === undefined ? null : requestCaller(request, config);
  if (who !== null && !who.ok) return { ok: false, response: who.response };
  const id = request.params.id;
  const path = new URL(request.url).pathname;
  if (!isIssuedId(id)) return { ok: false, response: notFound(String(id ?? ""), path) };
  const loaded = await read(client, id);
  if (loaded === null) return { ok: false, response: notFound(id, path) };
  // The run's own request (for a teardown, the provisioning run's it carries) decides which grants cover it.
  const target = loaded.document.request;
  if (who !== null && config !== undefined && target !== null) {
    const denied = accessDenied(who.caller, config, target, access.action, id, { allowList: access.allowList });
    if (denied !== null) return { ok: false, response: denied };
  }
  return { ok: true, id, caller: who?.caller ?? null, loaded, statusUrl: urlFor(request.url, `/api/clusters/${id}`) };
}
