/**
 * A change row writes its code and kind once: every change its `find` returns carries them. Shared by the pool and
 * tag rows (changeRules.ts) and the egress, API server and dataplane rows (networkChangeRules.ts).
 */
import type { ClusterRequest } from "../clusterRequest.js";
import type { ChangeItem, ChangeKind } from "./changePlanSchema.js";

/** What a row finds, before the row's own code and kind are stamped on it. */
export type FoundChange = Omit<ChangeItem, "code" | "kind">;

export interface ChangeRule {
  code: string;
  kind: ChangeKind;
  find: (before: ClusterRequest, after: ClusterRequest) => ChangeItem[];
}

export function changeRule(
  code: string,
  kind: ChangeKind,
  find: (before: ClusterRequest, after: ClusterRequest) => FoundChange[],
): ChangeRule {
  return { code, kind, find: (before, after) => find(before, after).map((found) => ({ code, kind, ...found })) };
}
