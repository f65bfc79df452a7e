/**
 * Small deterministic building blocks shared by the orchestrators: calling an activity with the retry policy for
 * transient faults, unwrapping its result, and sleeping on a durable timer.
 */
import * as df from "durable-functions";
import type { OrchestrationContext, Task } from "durable-functions";
import type { ActivityName, ActivityResult, StepFailure } from "../activities/contracts.js";
import type { StepName } from "../domain/progress.js";

export const orchestrationNames = {
  provisionCluster: "provisionCluster",
  ensureFeatures: "ensureFeatures",
  teardownCluster: "teardownCluster",
} as const;

export type Step<T> = Generator<Task, T, unknown>;

/** A step failed for good; the orchestrator turns this into `{ step, code, message }`. */
export class StepError extends Error {
  override readonly name = "StepError";
  constructor(
    readonly step: StepName,
    readonly failure: StepFailure,
  ) {
    super(`${step}: ${failure.code}: ${failure.message}`);
  }
}

// Activities throw only transient faults (throttling, 5xx, resets); retry those with backoff.
export const transientRetry = (() => {
  const options = new df.RetryOptions(5_000, 5);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 60_000;
  return options;
})();

// Activities mark their thrown errors "[ARM:<code>]" so the code survives the trip through the Durable host.
const armCodeMarker = /\[ARM:([A-Za-z0-9_.-]+)\]\s*([\s\S]*)/;

export function failureFromError(error: unknown): StepFailure {
  const message = error instanceof Error ? error.message : String(error);
  const match = armCodeMarker.exec(message);
  if (match?.[1] !== undefined) {
    return { code: match[1], message: (match[2] ?? "").trim().slice(0, 2_000) };
  }
  return { code: "ActivityFailed", message: message.slice(0, 2_000) };
}

/** Calls an activity; transient faults are retried by Durable, permanent ones come back as a result value. */
export function* attempt<T>(
  context: OrchestrationContext,
  name: ActivityName,
  input: unknown,
): Step<ActivityResult<T>> {
  try {
    return (yield context.df.callActivityWithRetry(name, transientRetry, input)) as ActivityResult<T>;
  } catch (error) {
    return { ok: false, error: failureFromError(error) };
  }
}

/** Calls an activity and fails the step on any permanent error. */
export function* call<T>(context: OrchestrationContext, step: StepName, name: ActivityName, input: unknown): Step<T> {
  const result = yield* attempt<T>(context, name, input);
  if (!result.ok) {
    throw new StepError(step, result.error);
  }
  return result.value;
}

export function* sleep(context: OrchestrationContext, seconds: number): Step<void> {
  const fireAt = new Date(context.df.currentUtcDateTime.getTime() + seconds * 1_000);
  yield context.df.createTimer(fireAt);
}

export function deadline(context: OrchestrationContext, minutes: number): Date {
  return new Date(context.df.currentUtcDateTime.getTime() + minutes * 60_000);
}

export function pastDeadline(context: OrchestrationContext, at: Date): boolean {
  return context.df.currentUtcDateTime.getTime() >= at.getTime();
}
