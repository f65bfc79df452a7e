/**
 * Reading a POST /api/clusters: the caller, the idempotency headers (a retry with a known key is answered here, from
 * the first answer), the body with its `acknowledge` and `notify` taken off, `?whatIf`, and the planned request.
 * Every bad input is a problem response and nothing has been read from or written to the run store.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { AppConfig } from "../config.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { planCluster } from "../domain/planner.js";
import { problem, validationProblem } from "../domain/problem.js";
import type { Warning } from "../domain/violations.js";
import type { Caller } from "../identity/caller.js";
import { bodyHashOf, type RememberedResponse } from "../store/requestKeys.js";
import { readJsonBody } from "./body.js";
import { requestCaller } from "./callers.js";
import { splitAcknowledge } from "./changeRequest.js";
import { splitNotify, type NotifyRequest } from "./notify.js";
import { targetRulesOf } from "../events/notifyTarget.js";
import { readKeyHeaders, type RequestKey } from "./requestKeyHeaders.js";
import { problemResponse } from "./responses.js";
import type { HttpStores } from "./stores.js";

export interface ProvisionPost {
  caller: Caller;
  key: RequestKey | null;
  bodyHash: string;
  whatIf: boolean;
  acknowledged: string[];
  notify: NotifyRequest | null;
  request: ClusterRequest;
  warnings: Warning[];
}

export type ReadPost = { ok: true; post: ProvisionPost } | { ok: false; response: HttpResponseInit };

const answer = (response: HttpResponseInit): ReadPost => ({ ok: false, response });

export async function readProvisionPost(
  request: HttpRequest,
  config: AppConfig,
  stores: HttpStores,
  now: Date,
): Promise<ReadPost> {
  const who = requestCaller(request, config);
  if (!who.ok) return answer(who.response);
  const keyHeaders = readKeyHeaders(request, now);
  if (!keyHeaders.ok) return answer(problemResponse(keyHeaders.problem, keyHeaders.headers));
  const body = await readJsonBody(request);
  if (!body.ok) return answer(problemResponse(body.problem));
  const key = keyHeaders.key;
  const bodyHash = bodyHashOf(body.text);
  if (key !== null) {
    const remembered = await stores.keys.find(who.caller.name, key.header, key.key, now);
    if (remembered !== null) return answer(replay(remembered, bodyHash, key));
  }
  const whatIf = whatIfFlag(request.url);
  if (whatIf === null) return answer(problemResponse(badWhatIf()));
  const acknowledged = splitAcknowledge(body.value);
  if (!acknowledged.ok) return answer(problemResponse(acknowledged.problem));
  const split = splitNotify(acknowledged.spec, targetRulesOf(config.api));
  if (!split.ok) return answer(problemResponse(split.problem));
  const planned = planCluster(split.spec);
  const instance = new URL(request.url).pathname;
  if (!planned.ok) return answer(problemResponse(validationProblem(planned.violations, instance)));
  return {
    ok: true,
    post: {
      caller: who.caller,
      key,
      bodyHash,
      whatIf,
      acknowledged: acknowledged.acknowledge,
      notify: split.notify,
      request: planned.request,
      warnings: planned.warnings,
    },
  };
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
export function replay(remembered: RememberedResponse, bodyHash: string, key: RequestKey): HttpResponseInit {
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
