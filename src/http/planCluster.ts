import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { planCluster } from "../domain/planner.js";
import { readJsonBody } from "./body.js";
import { json, problemResponse } from "./responses.js";

/** POST /api/plans: the planner alone, no Azure call. Violations are the answer here, so this is a 200 either way. */
export async function planClusterHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) {
    return problemResponse(body.problem);
  }
  const planned = planCluster(body.value);
  return planned.ok
    ? json(200, { valid: true, violations: [], plan: planned.plan, request: planned.request })
    : json(200, { valid: false, violations: planned.violations, plan: null, request: null });
}
