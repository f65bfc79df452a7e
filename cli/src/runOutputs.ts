/**
 * `--outputs-file`: a run's outcome as key=value lines appended to a file, the format of GitHub Actions'
 * $GITHUB_OUTPUT (and of a dotenv file), so a pipeline step can expose it without parsing JSON.
 */
import { appendFileSync } from "node:fs";
import type { StatusDocument } from "../../src/domain/statusDocument.js";

export type RunOutputs = Record<
  "cluster-id" | "status" | "cluster-resource-id" | "node-resource-group-id" | "ip-verification" | "ip-mismatches",
  string
>;

/** From a status document, or from the 202 of a start (id and status only). */
export function runOutputs(
  run: { id: string; status: string } & Partial<Pick<StatusDocument, "resources" | "ipVerification">>,
): RunOutputs {
  const verification = run.ipVerification ?? null;
  return {
    "cluster-id": run.id,
    status: run.status,
    "cluster-resource-id": run.resources?.clusterId ?? "",
    "node-resource-group-id": run.resources?.nodeResourceGroupId ?? "",
    "ip-verification": verification === null ? "none" : verification.passed ? "passed" : "failed",
    "ip-mismatches": verification === null ? "" : String(verification.summary.mismatches),
  };
}

export function appendOutputs(file: string, outputs: RunOutputs): void {
  // One line per value: a newline inside a value would let it forge another output.
  const lines = Object.entries(outputs).map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, " ")}\n`);
  appendFileSync(file, lines.join(""));
}
