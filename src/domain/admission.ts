/**
 * Whether a POST /api/clusters may start a run, decided in pure code: first the request itself (what the orchestration
 * cannot build yet, where this API may build), then what already runs under the cluster's id. The handler reads its
 * input, describes the instance it found as an ExistingRun, calls `decideAdmission` and maps the outcome to a
 * response.
 */
import { createHash } from "node:crypto";
import type { ChangePlan } from "./changes/changePlan.js";
import { poolsToRemove } from "./changes/changePlan.js";
import { egressToDetach, type EgressDetach } from "./changes/networkChangeRules.js";
import { decideChange } from "./changes/changeDecision.js";
import type { ClusterRequest } from "./clusterRequest.js";
import { problem, validationProblem, type ProblemDetails } from "./problem.js";
import { unsupportedForProvisioning } from "./provisioningSupport.js";

/** The run's identity in the spec: any change to the normalised request is another spec. */
export function specHash(request: ClusterRequest): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

/** What a platform team limits, from the app's configuration. */
export interface AdmissionPolicy {
  /** Lower-case Azure regions this API may build in; empty: any. */
  allowedLocations: string[];
}

export interface RequestRule {
  code: string;
  refuse: (request: ClusterRequest, policy: AdmissionPolicy, instance: string) => ProblemDetails | null;
}

/** Planned but not yet buildable: refused rather than a run that would silently leave a field out. */
const notYetProvisionable: RequestRule = {
  code: "not-yet-provisionable",
  refuse: (request, _policy, instance) => {
    const gaps = unsupportedForProvisioning(request);
    return gaps.length === 0 ? null : validationProblem(gaps, instance);
  },
};

/** The location allow-list (the subscription allow-list covers every scope, so it is checked with the grants). */
export const locationNotAllowed: RequestRule = {
  code: "location-not-allowed",
  refuse: (request, { allowedLocations }) =>
    allowedLocations.length === 0 || allowedLocations.includes(request.location.toLowerCase())
      ? null
      : problem(
          403,
          "Forbidden",
          `Location '${request.location}' is not allowed; allowed: ${allowedLocations.join(", ")}.`,
        ),
};

/** Checked in order after the planner accepted the request; the first that refuses is the answer. */
export const requestRules: readonly RequestRule[] = [notYetProvisionable, locationNotAllowed];

export function refuseRequest(
  request: ClusterRequest,
  policy: AdmissionPolicy,
  instance: string,
  rules: readonly RequestRule[] = requestRules,
): ProblemDetails | null {
  for (const rule of rules) {
    const refused = rule.refuse(request, policy, instance);
    if (refused !== null) return refused;
  }
  return null;
}

/** What the handler found under the cluster's id. */
export interface ExistingRun {
  active: boolean;
  /** A teardown replaced the provisioning run (it runs under the same id). */
  tearingDown: boolean;
  /** The provisioning run's spec hash and request; null when the instance carries none. */
  specHash: string | null;
  request: ClusterRequest | null;
  /** The run ended Succeeded: the cluster exists as this API built it. */
  succeeded: boolean;
}

export type ConflictReason = "being-deleted" | "other-spec-running";

export type Admission =
  | { decision: "start" }
  | { decision: "change"; from: ClusterRequest }
  | { decision: "join" }
  | { decision: "conflict"; reason: ConflictReason };

export function admit(existing: ExistingRun | null, specHash: string, whatIf: boolean): Admission {
  if (existing === null) return { decision: "start" };
  if (existing.active && existing.tearingDown) return { decision: "conflict", reason: "being-deleted" };
  if (existing.active) {
    // The same spec again while it runs is a retry: answer as the first POST did (a what-if plans, never joins).
    return existing.specHash === specHash && !whatIf
      ? { decision: "join" }
      : { decision: "conflict", reason: "other-spec-running" };
  }
  if (!existing.tearingDown && existing.succeeded && existing.request !== null)
    return { decision: "change", from: existing.request };
  return { decision: "start" };
}

export interface RunPlace {
  id: string;
  statusUrl: string;
}

export function conflictProblem(reason: ConflictReason, clusterName: string, where: RunPlace): ProblemDetails {
  return reason === "being-deleted"
    ? problem(409, "Conflict", `Cluster '${clusterName}' is being deleted; try again when that finishes.`, {
        id: where.id,
      })
    : problem(
        409,
        "Conflict",
        `A run with a different spec is in progress for cluster '${clusterName}'; cancel it or wait.`,
        {
          id: where.id,
          statusUrl: where.statusUrl,
        },
      );
}

/** The changes a run applies to a cluster it built, as the orchestration takes them. */
export interface RunChange {
  codes: string[];
  removePools: string[];
  /** The NAT gateway or route table an outbound-type change takes off the cluster's subnets. */
  detachEgress?: EgressDetach;
}

export type AdmissionOutcome =
  /** Start a run; a change to a built cluster carries its plan and what the run changes. */
  | { kind: "start"; plan: ChangePlan | null; change: RunChange | null }
  /** The same spec already runs: answer as its first POST did. */
  | { kind: "join" }
  /** ?whatIf=true: the change plan (null for a new cluster), nothing started. */
  | { kind: "what-if"; plan: ChangePlan | null }
  | { kind: "refuse"; problem: ProblemDetails };

export interface AdmissionInput {
  request: ClusterRequest;
  specHash: string;
  existing: ExistingRun | null;
  whatIf: boolean;
  /** Change codes the body lists in `acknowledge`. */
  acknowledged: string[];
  where: RunPlace;
}

function runChange(plan: ChangePlan | null, from: ClusterRequest, to: ClusterRequest): RunChange | null {
  if (plan === null || plan.changes.length === 0) return null;
  const detachEgress = egressToDetach(from, to);
  return {
    codes: [...new Set(plan.changes.map((change) => change.code))],
    removePools: poolsToRemove(plan),
    ...(detachEgress === null ? {} : { detachEgress }),
  };
}

/** The whole decision for a request the planner accepted and no request rule refused. */
export function decideAdmission(input: AdmissionInput): AdmissionOutcome {
  const admission = admit(input.existing, input.specHash, input.whatIf);
  if (admission.decision === "join") return { kind: "join" };
  if (admission.decision === "conflict") {
    return { kind: "refuse", problem: conflictProblem(admission.reason, input.request.clusterName, input.where) };
  }
  if (admission.decision === "start") {
    return input.whatIf ? { kind: "what-if", plan: null } : { kind: "start", plan: null, change: null };
  }
  // A cluster this API built and has not torn down: the new spec is a change, planned and checked before it runs.
  const decided = decideChange(admission.from, input.request, input.acknowledged, input.where);
  // A what-if answers the plan even for a change the POST would refuse (its refused and failed checks say why).
  if (input.whatIf) return { kind: "what-if", plan: decided.plan };
  if (!decided.ok) return { kind: "refuse", problem: decided.problem };
  return { kind: "start", plan: decided.plan, change: runChange(decided.plan, admission.from, input.request) };
}
