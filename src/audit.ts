/**
 * The audit trail: one structured JSON line per state change of a run (requested, refused, started, ended, canceled,
 * deleted), with who, what, which cluster and the outcome. Only fields named here are written, so nothing a caller
 * sent (a notify secret, a request body) can end up in a line by accident.
 */
export interface AuditEntry {
  /** `run.accepted`, `run.running`, `run.succeeded`, `cancel.requested`, `access.denied`, … */
  action: string;
  who: string;
  clusterId: string | null;
  outcome: string;
  detail?: string;
}

type Sink = (line: string) => void;
// console.log is what the Functions worker forwards to the host's logs (Application Insights in Azure).
let sink: Sink = (line) => console.log(line);

/** Tests capture the lines here. */
export function setAuditSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

export function audit(entry: AuditEntry, now: Date = new Date()): void {
  sink(
    JSON.stringify({
      audit: "aks-provisioning-api",
      at: now.toISOString(),
      action: entry.action,
      who: entry.who,
      clusterId: entry.clusterId,
      outcome: entry.outcome,
      ...(entry.detail === undefined ? {} : { detail: entry.detail.slice(0, 500) }),
    }),
  );
}
