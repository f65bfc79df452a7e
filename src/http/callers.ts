import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { audit } from "../audit.js";
import type { AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import { checkAccess } from "../identity/accessPolicy.js";
import { callerOf, type Caller } from "../identity/caller.js";
import { problemResponse } from "./responses.js";

export type CallerCheck = { ok: true; caller: Caller } | { ok: false; response: HttpResponseInit };

export const onBehalfOfHeader = "x-on-behalf-of";
// Printable, no control characters: the value is written into audit lines and the run's requestedBy.
const onBehalfOfPattern = /^[^\p{Cc}]{1,200}$/u;

/**
 * The request's caller; a malformed principal from the front is a 401, never a silent machine caller.
 *
 * A portal calls as itself (a function key, or its own principal) for the person who started the task, and names that
 * person in X-On-Behalf-Of. The name is recorded next to the authenticated caller ("function-key for
 * user:default/alice") in requestedBy and every audit line; it grants nothing: access is decided on the caller alone.
 */
export function requestCaller(request: HttpRequest, config: AppConfig): CallerCheck {
  const result = callerOf(request.headers, config.api.easyAuthEnabled);
  if (!result.ok) return { ok: false, response: problemResponse(problem(401, "Unauthorized", result.message)) };
  const onBehalfOf = request.headers.get(onBehalfOfHeader)?.trim();
  if (onBehalfOf === undefined || onBehalfOf === "") return result;
  if (!onBehalfOfPattern.test(onBehalfOf)) {
    const message = "X-On-Behalf-Of must be 1-200 printable characters naming the person the caller acts for";
    return {
      ok: false,
      response: problemResponse(
        problem(400, "Bad Request", `${message}.`, {
          errors: [{ path: "X-On-Behalf-Of", code: "invalid-header", message }],
        }),
      ),
    };
  }
  return { ok: true, caller: { ...result.caller, name: `${result.caller.name} for ${onBehalfOf}` } };
}

/** 403 naming the subscription or resource group the caller's roles and groups do not cover (and an audit line). */
export function accessDenied(
  caller: Caller,
  config: AppConfig,
  target: { subscriptionId: string; resourceGroup: string },
  action: string,
  clusterId: string | null,
): HttpResponseInit | null {
  const decision = checkAccess(config.api.accessPolicy, caller, target.subscriptionId, target.resourceGroup);
  if (decision.allowed) return null;
  audit({ action, who: caller.name, clusterId, outcome: "denied", detail: decision.message });
  return problemResponse(
    problem(403, "Forbidden", `${decision.message}; ACCESS_POLICY grants it to no role or group the caller holds.`, {
      errors: [{ path: decision.path, code: "not-authorized", message: decision.message }],
    }),
  );
}
