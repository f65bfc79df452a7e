import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { audit } from "../audit.js";
import type { AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { requestScopes, type TouchedScope } from "../domain/requestScopes.js";
import { checkAccess } from "../identity/accessPolicy.js";
import { callerOf, type Caller } from "../identity/caller.js";
import { problemResponse } from "./responses.js";

export type CallerCheck = { ok: true; caller: Caller } | { ok: false; response: HttpResponseInit };

export const onBehalfOfHeader = "x-on-behalf-of";
// Printable, no control characters: the value is written into audit lines and the run's requestedBy.
const onBehalfOfPattern = /^[^\p{Cc}]{1,200}$/u;

/**
 * The request's caller; no credential, an unknown key or a malformed principal is a 401, never a default caller.
 *
 * A portal calls as itself (its own key, or its own principal) for the person who started the task, and names that
 * person in X-On-Behalf-Of. The name is recorded next to the authenticated caller ("key:backstage for
 * user:default/alice") in requestedBy and every audit line; it grants nothing: access is decided on the caller alone.
 */
export function requestCaller(request: HttpRequest, config: AppConfig): CallerCheck {
  const result = callerOf(request.headers, config.api);
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

const who = (caller: Caller) => (caller.kind === "key" ? "the key's scope in CALLER_KEYS" : "ACCESS_POLICY");

/** The subscriptions of the touched scopes that ALLOWED_SUBSCRIPTION_IDS leaves out, each with its field. */
function outsideAllowList(
  config: AppConfig,
  scopes: TouchedScope[],
): { path: string; scope: string; message: string }[] {
  if (config.allowedSubscriptionIds.length === 0) return [];
  return scopes
    .filter((at) => !config.allowedSubscriptionIds.includes(at.subscriptionId.toLowerCase()))
    .map((at) => {
      const field = at.fields[0] ?? "subscriptionId";
      const path = field === "resourceGroup" ? "subscriptionId" : field;
      return {
        path,
        scope: at.scope,
        message: `Subscription '${at.subscriptionId}' is not in this API's allowed subscriptions${path === "subscriptionId" ? "" : ` (named by ${path})`}`,
      };
    });
}

/**
 * 403 naming every subscription and resource group the request touches (requestScopes.ts) that the allow-list or the
 * caller's grants leave out, with the field that names it; null when all are inside. Refusals are audited. Reads skip
 * the allow-list: a run started before the list changed stays readable by whoever the policy lets read it.
 */
export function accessDenied(
  caller: Caller,
  config: AppConfig,
  request: ClusterRequest,
  action: string,
  clusterId: string | null,
  options: { allowList: boolean } = { allowList: true },
): HttpResponseInit | null {
  const scopes = requestScopes(request);
  const unlisted = options.allowList ? outsideAllowList(config, scopes) : [];
  if (unlisted.length > 0) {
    const detail = unlisted.map((entry) => entry.message).join("; ");
    audit({ action, who: caller.name, clusterId, outcome: "denied", detail });
    return problemResponse(
      problem(403, "Forbidden", `${detail}.`, {
        errors: unlisted.map(({ path, scope, message }) => ({
          path,
          code: "subscription-not-allowed",
          scope,
          message,
        })),
      }),
    );
  }
  const decision = checkAccess(config.api.accessPolicy, caller, scopes);
  if (decision.allowed) return null;
  audit({ action, who: caller.name, clusterId, outcome: "denied", detail: decision.message });
  return problemResponse(
    problem(403, "Forbidden", `${decision.message}; ${who(caller)} does not grant it.`, {
      errors: decision.denials.map(({ path, scope, message }) => ({
        path,
        code: "not-authorized",
        ...(scope === "" ? {} : { scope }),
        message,
      })),
    }),
  );
}
