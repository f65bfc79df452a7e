/**
 * Whether a POST /api/clusters may start a run, given what already runs under the cluster's id. Pure: the handler
 * reads the instance once, describes it as an ExistingRun, and acts on the answer (a change is then planned and may
 * still be refused as immutable by the change rules).
 */
import type { ClusterRequest } from "./clusterRequest.js";

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

export type Admission =
  | { decision: "start" }
  | { decision: "change"; from: ClusterRequest }
  | { decision: "join" }
  | { decision: "conflict"; reason: "being-deleted" | "other-spec-running" };

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
