import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { locationNotAllowed, refuseRequest } from "../domain/admission.js";
import { planCluster } from "../domain/planner.js";
import { problem } from "../domain/problem.js";
import { unsupportedForProvisioning } from "../domain/provisioningSupport.js";
import { targetRulesOf } from "../events/notifyTarget.js";
import { readJsonBody } from "./body.js";
import { splitNotify } from "./notify.js";
import { accessDenied, requestCaller } from "./callers.js";
import { livePlan, type LivePlanDependencies } from "./livePlan.js";
import { json, problemResponse } from "./responses.js";

/** `?live=true` asks for the read-only checks against Azure; anything but true/false is a typo worth refusing. */
function liveFlag(url: string): boolean | null {
  const value = new URL(url).searchParams.get("live");
  if (value === null || value === "false") return false;
  return value === "true" ? true : null;
}

/**
 * POST /api/plans: the planner alone, no Azure call. Violations are the answer here, so this is a 200 either way; a
 * top-level `notify` is checked as POST /api/clusters checks it (a refused one is a 400).
 * `modes` is what each network mode would cost in VNet addresses for the same cluster (a portal shows the trade-off);
 * `notYetProvisionable` lists what the plan covers but POST /api/clusters would still refuse.
 *
 * With `?live=true` a valid request is also checked against Azure, read-only (livePlan.ts): `live` carries the
 * findings. `valid` stays the planner's verdict — what POST /api/clusters would accept — and `live.passed` says
 * whether Azure would let the run through; a live error does not make the request invalid.
 */
export async function planClusterHandler(
  request: HttpRequest,
  liveDependencies?: LivePlanDependencies,
): Promise<HttpResponseInit> {
  // Who may plan is who may call the API at all; the live half also checks the scopes the request touches.
  const who = liveDependencies === undefined ? null : requestCaller(request, liveDependencies.config);
  if (who !== null && !who.ok) return who.response;
  const live = liveFlag(request.url);
  if (live === null) {
    return problemResponse(
      problem(400, "Bad Request", "Query parameter 'live' must be true or false.", {
        errors: [{ path: "live", code: "invalid-query", message: "live must be true or false" }],
      }),
    );
  }
  const body = await readJsonBody(request);
  if (!body.ok) {
    return problemResponse(body.problem);
  }
  // The same body a POST /api/clusters would carry: its notify is checked by the same rules (a receiver off the
  // allow-list is a 400 here too) and taken off before planning.
  const noSettings = { notifyAllowLoopback: false, notifyAllowedHosts: null };
  const rules = targetRulesOf(liveDependencies?.config.api ?? noSettings);
  const split = splitNotify(body.value, rules);
  if (!split.ok) return problemResponse(split.problem);
  const planned = planCluster(split.spec);
  if (!planned.ok) {
    return json(200, {
      valid: false,
      violations: planned.violations,
      warnings: planned.warnings,
      plan: null,
      request: null,
      ...(live ? { live: null } : {}),
    });
  }
  const answer = {
    valid: true,
    violations: [],
    warnings: planned.warnings,
    notYetProvisionable: unsupportedForProvisioning(planned.request),
    plan: planned.plan,
    request: planned.request,
    modes: planned.plan.modes,
  };
  if (!live) return json(200, answer);
  if (liveDependencies === undefined || who === null) {
    return problemResponse(problem(501, "Not Implemented", "Live plans are not configured in this host."));
  }
  // Reading a subscription with the API's identity is bound by the same allow-lists and policy as building in it.
  const { config } = liveDependencies;
  const denied = accessDenied(who.caller, config, planned.request, "plan.live", null);
  if (denied !== null) return denied;
  const forbidden = refuseRequest(planned.request, config, new URL(request.url).pathname, [locationNotAllowed]);
  if (forbidden !== null) return problemResponse(forbidden);
  const outcome = await livePlan(planned.request, liveDependencies);
  return outcome.ok ? json(200, { ...answer, live: outcome.live }) : problemResponse(outcome.problem);
}
