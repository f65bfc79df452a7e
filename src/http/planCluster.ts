import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { planCluster } from "../domain/planner.js";
import { unsupportedForProvisioning } from "../domain/provisioningSupport.js";
import { readJsonBody } from "./body.js";
import { json, problemResponse } from "./responses.js";

/**
 * POST /api/plans: the planner alone, no Azure call. Violations are the answer here, so this is a 200 either way.
 * `modes` is what each network mode would cost in VNet addresses for the same cluster (a portal shows the trade-off);
 * `notYetProvisionable` lists what the plan covers but POST /api/clusters would still refuse.
 */
export async function planClusterHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) {
    return problemResponse(body.problem);
  }
  const planned = planCluster(body.value);
  return planned.ok
    ? json(200, {
        valid: true,
        violations: [],
        warnings: planned.warnings,
        notYetProvisionable: unsupportedForProvisioning(planned.request),
        plan: planned.plan,
        request: planned.request,
        modes: planned.plan.modes,
      })
    : json(200, {
        valid: false,
        violations: planned.violations,
        warnings: planned.warnings,
        plan: null,
        request: null,
      });
}
