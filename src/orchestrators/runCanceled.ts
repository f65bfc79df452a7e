import type { OrchestrationContext } from "durable-functions";
import type { RunMeta } from "../domain/runMeta.js";
import type { EventDelivery } from "../domain/progress.js";
import { RunEvents } from "./runEvents.js";
import type { Step } from "./runtime.js";

export interface RunCanceledInput {
  meta: RunMeta;
  createdAt: string;
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  /** Who canceled. */
  actor: string;
}

/**
 * A terminated run cannot report its own end, so the cancel handler starts this small orchestration (its instance id
 * fixed per run) to record the Canceled state and deliver the `canceled` event with the same durable retries.
 */
export function* runCanceled(context: OrchestrationContext): Step<EventDelivery[]> {
  const input = context.df.getInput<RunCanceledInput>();
  const events = new RunEvents(context, input);
  yield* events.state("Canceled", "run.canceled", "canceled");
  return events.deliveries;
}

export function runCanceledInstanceId(clusterId: string, runKey: string): string {
  return `${clusterId}-canceled-${runKey}`;
}
