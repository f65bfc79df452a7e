/**
 * The orchestrator side of the Durable boundary: every activity call goes through here, typed by the contract map, and
 * this is the one place where a result read back from history is given its type again.
 */
import * as df from "durable-functions";
import type { OrchestrationContext, Task } from "durable-functions";
import type { ActivityInput, ActivityName, ActivityOutput, ActivityResult } from "../activities/contracts.js";
import type { StepFailure } from "../domain/observations.js";
import { sleep, type Step } from "./runtime.js";

/** Durable retries that double from `firstSeconds` (fractions allowed: scaled local timings) up to a ceiling. */
export function backoffPolicy(firstSeconds: number, attempts: number, maxIntervalMs: number): df.RetryOptions {
  const options = new df.RetryOptions(Math.round(firstSeconds * 1_000), attempts);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = maxIntervalMs;
  return options;
}

/** Activities throw only transient faults (throttling, 5xx, resets, timeouts from any service); retry those with backoff. */
export function transientRetryPolicy(firstSeconds: number): df.RetryOptions {
  return backoffPolicy(firstSeconds, 6, 60_000);
}

// The policy comes from the orchestration's input (never the environment), so replays build the same one.
const policies = new WeakMap<OrchestrationContext, df.RetryOptions>();
const defaultPolicy = transientRetryPolicy(5);

/** Sets the transient-retry policy for every activity this orchestration calls. */
export function useTransientRetry(context: OrchestrationContext, firstSeconds: number | undefined): void {
  policies.set(context, transientRetryPolicy(firstSeconds ?? 5));
}

// Activities mark thrown transient errors "[transient:<code>]" so the code survives the trip through the Durable host.
const codeMarker = /\[(?:transient|ARM):([A-Za-z0-9_.-]+)\]\s*([\s\S]*)/;

/**
 * The failure behind an error the Durable host handed back: the service code when the activity marked one, and only
 * the message's first line (the host's details carry stack frames and file paths nobody outside should see).
 */
export function failureFromError(error: unknown): StepFailure {
  const message = error instanceof Error ? error.message : String(error);
  const match = codeMarker.exec(message);
  const code = match?.[1] ?? "ActivityFailed";
  const text = (match?.[2] ?? message).split("\n")[0] ?? "";
  return {
    code,
    message: text
      .replace(/\s+at\s+\S+\s+\(.*$/, "")
      .trim()
      .slice(0, 2_000),
  };
}

/** A task started inside a parallel phase, whose result is read once it has settled. */
export interface Scheduled<T> {
  task: Task;
  /**
   * The result once `task` has settled. A transient fault of the single attempt inside the phase is retried here, on
   * its own, with the transient policy; a permanent failure comes back as a result value.
   */
  result(): Step<ActivityResult<T>>;
}

/**
 * Starts an activity in a parallel phase: one plain attempt, no Durable retry policy. The extension walks the
 * orchestrator's actions in order and moves past a Task.any as soon as one child completes; a retrying child that
 * fails afterwards would take the next sequence number for its retry timer, which replay gives to whatever the
 * orchestrator scheduled after the Task.any: "Non-Deterministic workflow detected". So only plain tasks go into a
 * Task.any, and the retries run afterwards, one branch at a time.
 */
export function schedule<N extends ActivityName>(
  context: OrchestrationContext,
  name: N,
  input: ActivityInput<N>,
  /** The retries after a faulted first attempt; the orchestration's transient policy when not given. */
  retry?: df.RetryOptions,
): Scheduled<ActivityOutput<N>> {
  const task = context.df.callActivity(name, input);
  return {
    task,
    *result() {
      // The activity's registration returned exactly this contract's result; history erased only its type.
      if (!task.isFaulted) return task.result as ActivityResult<ActivityOutput<N>>;
      // Activities throw only transient faults: wait the policy's first interval, then retry with the whole policy.
      const policy = retry ?? policies.get(context) ?? defaultPolicy;
      yield* sleep(context, policy.firstRetryIntervalInMilliseconds / 1_000);
      return yield* attempt(context, name, input, policy);
    },
  };
}

/** Calls an activity; transient faults are retried by Durable, permanent ones come back as a result value. */
export function* attempt<N extends ActivityName>(
  context: OrchestrationContext,
  name: N,
  input: ActivityInput<N>,
  retry?: df.RetryOptions,
): Step<ActivityResult<ActivityOutput<N>>> {
  const task = context.df.callActivityWithRetry(name, retry ?? policies.get(context) ?? defaultPolicy, input);
  try {
    yield task;
  } catch (error) {
    return { ok: false, error: failureFromError(error) };
  }
  // The activity's registration returned exactly this contract's result; history erased only its type.
  return task.result as ActivityResult<ActivityOutput<N>>;
}

/** A permanent failure inside a step; the step helper records it against the step it happened in. */
export class PermanentFailure extends Error {
  override readonly name = "PermanentFailure";
  constructor(readonly failure: StepFailure) {
    super(`${failure.code}: ${failure.message}`);
  }
}

/** Calls an activity and fails the current step on any permanent error. */
export function* call<N extends ActivityName>(
  context: OrchestrationContext,
  name: N,
  input: ActivityInput<N>,
): Step<ActivityOutput<N>> {
  const result = yield* attempt(context, name, input);
  if (!result.ok) {
    throw new PermanentFailure(result.error);
  }
  return result.value;
}

const settled = (task: Task) => task.isCompleted || task.isFaulted;

/**
 * Waits for every task, handing each to `settle` once it has finished, so parallel steps record their own completion
 * (or failure); without `settle`, each is read afterwards (`Scheduled.result`). One Task.any schedules them all and
 * wakes at the first to finish; the rest are then awaited one by one. A second Task.any over the same tasks would send
 * their actions to the Durable extension again and schedule them twice, so it is never built. The tasks must be plain
 * (no retry policy): see `schedule`.
 */
export function* settleEach(
  context: OrchestrationContext,
  tasks: Task[],
  settle?: (task: Task) => Step<void>,
): Step<void> {
  if (tasks.length === 0) return;
  yield context.df.Task.any(tasks);
  let pending = [...tasks];
  while (pending.length > 0) {
    const finished = pending.filter(settled);
    if (finished.length > 0) {
      pending = pending.filter((task) => !settled(task));
      if (settle !== undefined) for (const task of finished) yield* settle(task);
      continue;
    }
    try {
      yield pending[0] as Task;
    } catch {
      // A faulted branch is read by `settle` like any other; its siblings are still awaited.
    }
  }
}
