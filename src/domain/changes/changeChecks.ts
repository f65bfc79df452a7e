/** A check a change plan lists: decided from the specs now, or made by the run. */
export interface ChangeCheck {
  code: string;
  /** plan: decided now, from the specs; run: made by the run against AKS before its first call; after: verification. */
  when: "plan" | "run" | "after";
  status: "passed" | "failed" | "at-run";
  message: string;
}
