/**
 * A new spec for a cluster this API built: `acknowledge` is taken off the body (like `notify`, it is not part of the
 * spec, so it changes neither the plan nor the spec hash), the change is planned, and a change that cannot be made in
 * place, or a one-way or disruptive one the caller did not acknowledge, is refused with the plan before anything runs.
 */
import { z } from "zod";
import type { ClusterRequest } from "../domain/clusterRequest.js";
import { changeRules } from "../domain/changes/changeRules.js";
import { planChanges, type ChangePlan } from "../domain/changes/changePlan.js";
import { problem, type ProblemDetails } from "../domain/problem.js";

const knownCodes = changeRules.map((rule) => rule.code);
const acknowledgeSchema = z.array(z.string().max(64)).max(knownCodes.length);

export type SplitAcknowledge =
  { ok: true; spec: unknown; acknowledge: string[] } | { ok: false; problem: ProblemDetails };

export function splitAcknowledge(body: unknown): SplitAcknowledge {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("acknowledge" in body)) {
    return { ok: true, spec: body, acknowledge: [] };
  }
  const { acknowledge, ...spec } = body as Record<string, unknown>;
  const parsed = acknowledgeSchema.safeParse(acknowledge);
  const unknown = parsed.success ? parsed.data.filter((code) => !knownCodes.includes(code)) : [];
  if (!parsed.success || unknown.length > 0) {
    const message = `acknowledge must be a list of change codes (${knownCodes.join(", ")})`;
    return {
      ok: false,
      problem: problem(400, "Bad Request", `${message}.`, {
        errors: [{ path: "acknowledge", code: "invalid-acknowledge", message }],
      }),
    };
  }
  return { ok: true, spec, acknowledge: parsed.data };
}

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
      `Cluster '${name}' exists with a different ${paths.join(", ")}; AKS cannot change ${paths.length === 1 ? "it" : "these"} in place. Delete the cluster first, or send the spec it was built with.`,
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
      `This change to cluster '${name}' is one-way or disruptive (${missing.join(", ")}); send it again with "acknowledge": ${JSON.stringify(plan.acknowledgementNeeded)} to run it.`,
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
