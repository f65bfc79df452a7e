/**
 * CloudEvents 1.0 (structured JSON mode) for run outcomes. Pure: the orchestrator builds events with its own clock, so
 * a replay builds the same bytes, and the id is fixed per run and type so receivers can drop duplicates of an
 * at-least-once delivery.
 */
import type { StatusSummary } from "../domain/statusDocument.js";

export const eventTypes = {
  succeeded: "aks.provisioning.succeeded",
  failed: "aks.provisioning.failed",
  canceled: "aks.provisioning.canceled",
  deleted: "aks.provisioning.deleted",
  step: "aks.provisioning.step",
} as const;
export type EventKind = keyof typeof eventTypes;

export const eventSource = "/aks-provisioning-api/clusters";

export interface CloudEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: "application/json";
  data: EventData;
}

export interface EventData extends StatusSummary {
  error: { step: string; code: string; message: string } | null;
  /** For `aks.provisioning.step`: the step and the state it reached. */
  step?: { name: string; status: string; detail: string | null };
  /** In a change run's terminal event: the change codes it applied (tags-update, pool-add, …). */
  changes?: string[];
}

/**
 * `runKey` is the run's acceptance key (a teardown has its own); a step event adds the step and the state it reached,
 * so each is delivered once however often the orchestration replays.
 */
export function cloudEvent(kind: EventKind, runKey: string, data: EventData, time: Date): CloudEvent {
  const suffix = data.step === undefined ? "" : `.${data.step.name}.${data.step.status}`;
  return {
    specversion: "1.0",
    id: `${data.id}.${runKey}.${kind}${suffix}`,
    source: eventSource,
    type: eventTypes[kind],
    subject: data.id,
    time: time.toISOString(),
    datacontenttype: "application/json",
    data,
  };
}
