/** One change a plan lists: what a change rule found between the spec a cluster was built from and the new one. */

/** in-place: nothing running is disturbed; disruptive: nodes or their pods go; one-way: cannot be changed back. */
export type ChangeKind = "in-place" | "disruptive" | "one-way";

export interface ChangeItem {
  code: string;
  kind: ChangeKind;
  /** Request paths this change covers (pool paths index the new spec; a removed pool's, the old one). */
  paths: string[];
  pool: string | null;
  summary: string;
  /** The AKS calls the run makes, in order. */
  operations: string[];
  /** What the run checks before calling AKS and after (codes of the plan's checks). */
  checks: string[];
  /** AKS reimages every node of every pool to apply it. */
  reimagesNodes?: true;
}
