import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { audit } from "../audit.js";
import type { AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import { checkAccess } from "../identity/accessPolicy.js";
import { callerOf, type Caller } from "../identity/caller.js";
import { problemResponse } from "./responses.js";

export type CallerCheck = { ok: true; caller: Caller } | { ok: false; response: HttpResponseInit };

/** The request's caller; a malformed principal from the front is a 401, never a silent machine caller. */
export function requestCaller(request: HttpRequest, config: AppConfig): CallerCheck {
  const result = callerOf(request.headers, config.api.easyAuthEnabled);
  if (result.ok) return result;
  return { ok: false, response: problemResponse(problem(401, "Unauthorized", result.message)) };
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
