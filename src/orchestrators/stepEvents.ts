/**
 * Step events, sent off the run's critical path. The run starts one `deliverStepEvents` sub-orchestration per batch
 * of finished steps and waits only for it to be started, not for the receiver: a receiver that answers 503, redirects,
 * is unreachable or never answers costs the run nothing, while each event still gets its own retries. Terminal events
 * are not sent this way: the run waits for them (runEvents.ts).
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { DeliverEventInput } from "../activities/contracts.js";
import type { EventDelivery } from "../domain/progress.js";
import { eventTypes, type CloudEvent } from "../events/cloudEvent.js";
import { attempt, backoffPolicy, failureFromError } from "./activityCalls.js";
import { orchestrationNames, type Step } from "./runtime.js";

export interface StepEventsInput {
  url: string;
  secretRef: DeliverEventInput["secretRef"];
  /** In the order the steps finished; a receiver gets them in this order within the batch. */
  events: CloudEvent[];
}

// Three tries over ~6 s (waits of 2 s and 4 s): a step event is progress news, soon stale.
const stepRetry = backoffPolicy(2, 3, 60_000);

/** The batch's deliveries that did not arrive (rejected, or every try failed): the run lists only those. */
export function* deliverStepEvents(context: OrchestrationContext): Step<EventDelivery[]> {
  const { url, secretRef, events } = context.df.getInput<StepEventsInput>();
  const missed: EventDelivery[] = [];
  for (const event of events) {
    const result = yield* attempt(context, "deliverEvent", { event, url, secretRef }, stepRetry);
    const delivery: EventDelivery = result.ok
      ? result.value
      : { type: event.type, target: "webhook", outcome: "failed", httpStatus: null, detail: result.error.message };
    if (delivery.outcome !== "delivered") missed.push(delivery);
  }
  return missed;
}

/**
 * Starts a batch and moves on. Durable schedules only what the orchestrator yields, so the sub-orchestration is
 * yielded in a Task.any with a timer that is already due: the run resumes at that timer (or at the batch's end, if
 * sooner) and never waits for the receiver. Both are plain tasks, so the Task.any is replay-safe (activityCalls.ts).
 * The returned task completes when the batch does; whoever reads it later sees the same answer on every replay.
 */
export function* startStepEvents(context: OrchestrationContext, input: StepEventsInput): Step<Task> {
  const batch = context.df.callSubOrchestrator(orchestrationNames.deliverStepEvents, input);
  yield context.df.Task.any([batch, context.df.createTimer(context.df.currentUtcDateTime)]);
  return batch;
}

/** What a batch that has finished says about its deliveries; nothing for one still running. */
export function settledStepDeliveries(batch: Task, events: number): EventDelivery[] {
  if (batch.isFaulted) {
    // The host's failure text, trimmed to its first line without stack frames, as for any failed step.
    const { message } = failureFromError(batch.result);
    const detail = `${events} step event(s) not sent: ${message}`;
    return [{ type: eventTypes.step, target: "webhook", outcome: "failed", httpStatus: null, detail }];
  }
  // The sub-orchestration above returned exactly this shape; history erased only its type.
  return batch.isCompleted ? (batch.result as EventDelivery[]) : [];
}
