/** Text rendering for the CLI: plain, aligned tables that read well in a terminal and in CI logs. Pure. */
import type { IpPlan, Violation } from "../../src/domain/planner.js";
import type { StepState } from "../../src/domain/progress.js";
import type { StatusDocument, StatusSummary } from "../../src/domain/statusDocument.js";

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatViolations(violations: Violation[]): string {
  return table(
    ["PATH", "CODE", "PROBLEM"],
    violations.map((v) => [v.path || "(body)", v.code, v.message]),
  );
}

export function formatPlan(plan: IpPlan): string {
  const subnets = table(
    ["SUBNET", "ROLE", "CIDR", "USABLE", "NOW", "AT SURGE", "FREE", "HEADROOM NODES"],
    plan.subnets.map((s) => [
      s.name,
      s.role,
      s.cidr,
      String(s.usable),
      String(s.consumedNow),
      String(s.consumedAtSurge),
      String(s.free),
      String(s.headroomNodes),
    ]),
  );
  const lines = [
    `mode ${plan.mode}: pod IPs from the ${plan.podIpSource}`,
    subnets,
    plan.podCidr === null
      ? null
      : `pod CIDR ${plan.podCidr.cidr}: a /${plan.podCidr.perNodePrefixLength ?? "?"} per node, room for ${plan.podCidr.maxNodes} nodes`,
    `service CIDR ${plan.serviceCidr}, DNS ${plan.dnsServiceIp}`,
    `VNet addresses consumed: ${plan.vnetAddressesConsumedNow} now, ${plan.vnetAddressesConsumedAtSurge} at upgrade surge (incl. 5 reserved per subnet)`,
    plan.deferredChecks.length === 0 ? null : `checked at run time (existing VNet): ${plan.deferredChecks.join(", ")}`,
  ];
  return lines.filter((line): line is string => line !== null).join("\n");
}

const stepSymbols: Record<StepState["status"], string> = {
  pending: "·",
  running: "…",
  succeeded: "✓",
  failed: "✗",
  skipped: "-",
  canceled: "⊘",
};

/**
 * Repeated attempts of most steps are retries after a refusal (a role assignment before Entra has replicated); the IP
 * verification's are reads of the cluster while its pods start, and must not read as failures.
 */
function attemptsNote(step: StepState): string {
  if (step.attempts <= 1) return "";
  if (step.name !== "ipVerification") return ` (attempt ${step.attempts})`;
  return step.status === "running" ? ` (read ${step.attempts})` : ` (${step.attempts} reads while pods started)`;
}

export function formatStep(step: StepState): string {
  const detail = step.detail === null ? "" : `  ${step.detail}`;
  const attempts = attemptsNote(step);
  return `${stepSymbols[step.status]} ${step.name.padEnd(16)}${step.status}${attempts}${detail}`;
}

/** A dual-stack row shows both addresses and where each landed ("10.0.0.4, fd00::4" / "node-subnet/node-subnet"). */
function addressCell(row: { ip: string | null; ipv6?: string | null }): string {
  return row.ipv6 === undefined ? (row.ip ?? "-") : `${row.ip ?? "-"}, ${row.ipv6 ?? "-"}`;
}
function actualCell(row: { actual: string; actualV6?: string }): string {
  return row.actualV6 === undefined ? row.actual : `${row.actual}/${row.actualV6}`;
}

export function formatIpVerification(document: StatusDocument): string {
  const verification = document.ipVerification;
  if (verification === null) return "no IP verification yet";
  const rows = [
    ...verification.nodes.map((n) => [
      "node",
      "",
      n.name,
      addressCell(n),
      n.expected,
      actualCell(n),
      n.ok ? "ok" : "MISMATCH",
    ]),
    ...verification.pods.map((p) => [
      p.hostNetwork ? "pod (host)" : "pod",
      p.namespace,
      p.name,
      addressCell(p),
      p.expected,
      actualCell(p),
      p.ok ? "ok" : "MISMATCH",
    ]),
  ];
  const { nodes, pods, hostNetworkPods, mismatches } = verification.summary;
  return [
    table(["KIND", "NAMESPACE", "NAME", "IP", "EXPECTED", "ACTUAL", "RESULT"], rows),
    `${verification.passed ? "PASSED" : "FAILED"}: ${nodes} nodes, ${pods} pods (${hostNetworkPods} hostNetwork), ${mismatches} mismatches`,
    ...(verification.omittedRows === undefined
      ? []
      : [
          `(${verification.omittedRows} passing rows not listed yet: the run is still sending its completion events; \`status\` shows them once it has)`,
        ]),
  ].join("\n");
}

export function formatStatus(document: StatusDocument): string {
  const lines = [
    `${document.id}  ${document.status}  ${document.request?.clusterName ?? ""} (${document.request?.network.mode ?? "?"})`,
    ...document.steps.map(formatStep),
  ];
  if (document.error !== null)
    lines.push(`error: ${document.error.step}: ${document.error.code}: ${document.error.message}`);
  if (document.roleChecks.length > 0)
    lines.push(
      table(
        ["ROLE", "SCOPE", "PRESENT"],
        document.roleChecks.map((c) => [c.role, c.scope, c.present ? "yes" : "NO"]),
      ),
    );
  if (document.ipVerification !== null) lines.push(formatIpVerification(document));
  return lines.join("\n");
}

export function formatList(items: StatusSummary[]): string {
  return table(
    ["ID", "STATUS", "CLUSTER", "RESOURCE GROUP", "UPDATED"],
    items.map((i) => [i.id, i.status, i.clusterName ?? "", i.resourceGroup ?? "", i.updatedAt]),
  );
}
