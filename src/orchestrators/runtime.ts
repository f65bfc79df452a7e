/** Small deterministic building blocks shared by the orchestrators: step failures and durable time. */
import type { OrchestrationContext, Task } from "durable-functions";
import type { StepFailure } from "../domain/observations.js";
import type { StepName } from "../domain/progress.js";
import type { OrchestrationTimings } from "../config.js";

export const orchestrationNames = {
  provisionCluster: "provisionCluster",
  ensureFeatures: "ensureFeatures",
  teardownCluster: "teardownCluster",
  runCanceled: "runCanceled",
  deliverStepEvents: "deliverStepEvents",
} as const;

export type Step<T> = Generator<Task, T, unknown>;

/** A step failed for good; the run records it as `{ step, code, message }`. */
export class StepError extends Error {
  override readonly name = "StepError";
  constructor(
    readonly step: StepName,
    readonly failure: StepFailure,
  ) {
    super(`${step}: ${failure.code}: ${failure.message}`);
  }
}

/**
 * Azure Storage, the extension's default provider, wakes a timer after the whole seconds left when its queue message is
 * sent, rounded down: a timer due at T wakes the orchestration in (T - 1 s, T]. Due 999 ms later, it wakes in [T, T +
 * 999 ms], so a wait is never cut short (an exact provider waits the 999 ms more).
 */
const wholeSecondMarginMs = 999;

/**
 * Waits at least `seconds` of orchestration time; on Azure Storage, the whole seconds at or above it (a wait under a
 * second, only the local stack's scaled intervals, takes one). Still bound every wait by a deadline on the
 * orchestration's clock, never by a count of sleeps.
 */
export function* sleep(context: OrchestrationContext, seconds: number): Step<void> {
  const margin = seconds > 0 ? wholeSecondMarginMs : 0;
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + seconds * 1_000 + margin));
}

/**
 * Between reads inside a cluster (pods starting, a run command's result): a third of the cluster poll, at least 1 s.
 * These reads go to the cluster's own API server or a finished command, not to the ARM request budget.
 */
export function insideClusterPollSeconds(timings: Pick<OrchestrationTimings, "clusterPollIntervalSeconds">): number {
  return Math.max(1, Math.ceil(timings.clusterPollIntervalSeconds / 3));
}

export function deadline(context: OrchestrationContext, minutes: number): Date {
  return new Date(context.df.currentUtcDateTime.getTime() + minutes * 60_000);
}

export function pastDeadline(context: OrchestrationContext, at: Date): boolean {
  return context.df.currentUtcDateTime.getTime() >= at.getTime();
}

/**
 * `seconds` ±20 %, the same for the same run and poll on every replay: a fleet started together spreads its polls over
 * the request budget instead of hitting it in lockstep.
 */
export function jittered(seconds: number, seed: string, poll: number): number {
  let hash = 2166136261;
  for (const char of `${seed}:${poll}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const factor = 0.8 + 0.4 * (hash / 4294967295);
  return Math.max(0.1, Math.round(seconds * factor * 1000) / 1000);
}
