/**
 * Validation and IP planning, before any Azure call. Pure: a request in, either every violated rule or an IP plan
 * out, with warnings either way. The request is read once into a normalised view; the schema checks its shape, the
 * rule table (planner/ruleTable.ts) its meaning, and a valid view becomes the ClusterRequest and its plan.
 */
import { clusterRequestShape, toClusterRequest, type ClusterRequest } from "./clusterRequest.js";
import { buildPlan, type IpPlan } from "./planner/buildPlan.js";
import { runRules, violationRules, warningRules } from "./planner/ruleTable.js";
import { schemaViolations } from "./planner/schemaViolations.js";
import { readRequestView } from "./requestView.js";
import { record } from "./requestFields.js";
import type { Violation, Warning } from "./violations.js";

export type { IpPlan, PoolPlan, SubnetPlan } from "./planner/buildPlan.js";
export type { Violation, Warning } from "./violations.js";

export type PlanResult =
  | { ok: true; request: ClusterRequest; plan: IpPlan; warnings: Warning[] }
  | { ok: false; violations: Violation[]; warnings: Warning[] };

/** Every violated rule at once, or the plan. Never throws, whatever the input. */
export function planCluster(input: unknown): PlanResult {
  const shape = clusterRequestShape.safeParse(input);
  if (record(input) === null) {
    return { ok: false, violations: shape.success ? [] : schemaViolations(shape.error, input), warnings: [] };
  }
  const view = readRequestView(input);
  const readable = record(record(input)?.network) !== null && view.mode !== null;
  const ruleViolations = runRules(violationRules, view, readable);
  const warnings = runRules(warningRules, view, readable);
  if (!shape.success) {
    const fromSchema = schemaViolations(shape.error, input);
    const seen = new Set(fromSchema.map((violation) => violation.path));
    // A field the schema already rejected is not reported twice.
    return {
      ok: false,
      violations: [...fromSchema, ...ruleViolations.filter((violation) => !seen.has(violation.path))],
      warnings,
    };
  }
  if (ruleViolations.length > 0) {
    return { ok: false, violations: ruleViolations, warnings };
  }
  const request = toClusterRequest(view);
  return { ok: true, request, plan: buildPlan(view, request), warnings };
}
