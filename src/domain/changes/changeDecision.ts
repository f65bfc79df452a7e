/**
 * A new spec for a cluster this API built is planned as a change, and a change that cannot be made in place, would
 * fail at AKS, or is one-way or disruptive and not acknowledged, is refused with its plan before anything runs.
 */
import type { ClusterRequest } from "../clusterRequest.js";
import { problem, type ProblemDetails } from "../problem.js";
import { planChanges, type ChangePlan } from "./changePlan.js";

/** The plan either way: a what-if answers it even when the POST itself would be refused. */
export type ChangeDecision = { ok: true; plan: ChangePlan } | { ok: false; problem: ProblemDetails; plan: ChangePlan };

export function decideChange(
  previous: ClusterRequest,
  next: ClusterRequest,
  acknowledged: string[],
  where: { id: string; statusUrl: string },
): ChangeDecision {
  const plan = planChanges(previous, next);
  const name = next.clusterName;
  // Every refusal is a 409 that carries the plan, so the caller sees why and what the change would have done.
  const refuse = (detail: string, errors: { path: string; code: string; message: string }[]): ChangeDecision => ({
    ok: false,
    plan,
    problem: problem(409, "Conflict", detail, { ...where, errors, changePlan: plan }),
  });
  if (plan.refused.length > 0) {
    const paths = plan.refused.map((refused) => refused.path);
    return refuse(
      `Cluster '${name}' exists with a different ${paths.join(", ")}; ` +
        `AKS cannot change ${paths.length === 1 ? "it" : "these"} in place. ` +
        "Delete the cluster first, or send the spec it was built with.",
      plan.refused,
    );
  }
  const failed = plan.checks.filter((check) => check.status === "failed");
  if (failed.length > 0) {
    return refuse(
      `This change to cluster '${name}' would fail at AKS: ${failed.map((check) => check.message).join("; ")}.`,
      failed.map((check) => ({ path: "", code: check.code, message: check.message })),
    );
  }
  const missing = plan.acknowledgementNeeded.filter((code) => !acknowledged.includes(code));
  if (missing.length > 0) {
    return refuse(
      `This change to cluster '${name}' is one-way or disruptive (${missing.join(", ")}); ` +
        `send it again with "acknowledge": ${JSON.stringify(plan.acknowledgementNeeded)} to run it.`,
      missing.map((code) => ({
        path: "acknowledge",
        code: "acknowledgement-required",
        message: `${code}: ${plan.changes
          .filter((change) => change.code === code)
          .map((change) => change.summary)
          .join("; ")}`,
      })),
    );
  }
  return { ok: true, plan };
}
