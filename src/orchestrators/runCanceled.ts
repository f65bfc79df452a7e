import type { OrchestrationContext } from "durable-functions";
import type { RunMeta } from "../domain/runMeta.js";
import type { EventDelivery } from "../domain/progress.js";
import type { AbortOutcome } from "../activities/contracts.js";
import { call, failureFromError, PermanentFailure } from "./activityCalls.js";
import { RunEvents } from "./runEvents.js";
import { deadline, pastDeadline, sleep, type Step } from "./runtime.js";

export interface RunCanceledInput {
  meta: RunMeta;
  createdAt: string;
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  /** Who canceled. */
  actor: string;
  /** Between reads of the aborted operation's state while AKS cancels it (the run's cluster poll). */
  pollSeconds?: number;
}

/**
 * How long the announcement waits for AKS to finish canceling, in the run's cluster poll intervals: its aborts settle
 * in well under this. A length of orchestration time, not a count of polls: a durable timer can wake early (Azure
 * Storage counts whole seconds, rounded down), and thirty 1 s polls once passed in two seconds.
 */
const abortWaitPolls = 30;

/**
 * A terminated run cannot report its own end, so the cancel handler starts this small orchestration (its instance id
 * fixed per run) to abort the operation the run left running at AKS, record the Canceled state and deliver the
 * `canceled` event with the same durable retries.
 */
export function* runCanceled(
  context: OrchestrationContext,
): Step<{ abort: AbortOutcome | null; deliveries: EventDelivery[] }> {
  const input = context.df.getInput<RunCanceledInput>();
  const events = new RunEvents(context, input);
  // The run is terminated; what it left running at AKS is stopped too. An abort that fails is recorded, and the
  // cancel is still announced.
  let abort: AbortOutcome | null = null;
  try {
    abort = yield* call(context, "abortAksOperation", {
      subscriptionId: input.subscriptionId,
      resourceGroup: input.resourceGroup,
      clusterName: input.clusterName,
      clusterId: input.meta.clusterId,
      actor: input.actor,
    });
  } catch (error) {
    const failure = error instanceof PermanentFailure ? error.failure : failureFromError(error);
    abort = { outcome: "failed", target: null, state: "Unknown", message: `${failure.code}: ${failure.message}` };
  }
  if (abort.outcome === "aborted") abort = yield* settledAbort(context, input, abort);
  yield* events.state("Canceled", "run.canceled", "canceled", null, { abort });
  return { abort, deliveries: events.deliveries };
}

/**
 * AKS answers an abort with the target Canceling; the outcome the status and event report is the state it settles in
 * (Canceled), read on durable timers. A read that keeps failing leaves the last state seen.
 */
function* settledAbort(
  context: OrchestrationContext,
  input: RunCanceledInput,
  abort: AbortOutcome,
): Step<AbortOutcome> {
  const target = abort.target;
  if (target === null) return abort;
  const pollSeconds = input.pollSeconds ?? 10;
  const until = deadline(context, (abortWaitPolls * pollSeconds) / 60);
  let state = abort.state;
  while (state.toLowerCase() === "canceling" && !pastDeadline(context, until)) {
    yield* sleep(context, pollSeconds);
    try {
      const read = yield* call(context, "getAbortState", {
        subscriptionId: input.subscriptionId,
        resourceGroup: input.resourceGroup,
        clusterName: input.clusterName,
        target,
      });
      state = read.state;
    } catch {
      break;
    }
  }
  return { ...abort, state };
}

export function runCanceledInstanceId(clusterId: string, runKey: string): string {
  return `${clusterId}-canceled-${runKey}`;
}
