/**
 * CloudEvents 1.0 (structured JSON mode) for run outcomes. Pure: the orchestrator builds events with its own clock, so
 * a replay builds the same bytes, and the id is fixed per run and type so receivers can drop duplicates of an
 * at-least-once delivery.
 */
import { eventSource, eventTypes, type CloudEvent, type EventData } from "../domain/statusSchemas.js";

export { eventSource, eventTypes, type CloudEvent, type EventData } from "../domain/statusSchemas.js";

export type EventKind = keyof typeof eventTypes;

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
