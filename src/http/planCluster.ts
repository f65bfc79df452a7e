import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { planCluster } from "../domain/planner.js";
import { compareModes } from "../domain/recommendation.js";
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
    ? json(200, {
        valid: true,
        violations: [],
        plan: planned.plan,
        request: planned.request,
        // What each network mode would cost in VNet addresses for the same cluster, so a portal can show the trade-off.
        modes: compareModes({
          count: planned.request.nodePool.count,
          maxSurge: planned.request.nodePool.maxSurge,
          nodeSubnet: planned.request.network.nodeSubnet.addressPrefix,
          podSubnet: planned.request.network.podSubnet?.addressPrefix ?? null,
        }),
      })
    : json(200, { valid: false, violations: planned.violations, plan: null, request: null });
}
