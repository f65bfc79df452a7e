/**
 * The one step helper: every change to a run's progress goes through here, is stamped with the orchestration's own
 * clock (so replays rebuild the same document) and is published as custom status.
 */
import type { OrchestrationContext } from "durable-functions";
import {
  completeStep,
  describeStep,
  failRun,
  failStep,
  fitsCustomStatus,
  retryStep,
  skipStep,
  startStep,
  statusSnapshot,
  succeedRun,
  type RunProgress,
  type StepName,
} from "../domain/progress.js";
import { failedRowsOnly } from "../domain/ipClassification.js";
import { failureFromError, PermanentFailure } from "./activityCalls.js";
import { StepError, type Step } from "./runtime.js";

export class RunRecorder {
  constructor(
    private readonly context: OrchestrationContext,
    readonly progress: RunProgress,
  ) {}

  private get now(): Date {
    return this.context.df.currentUtcDateTime;
  }

  publish(): void {
    this.context.df.setCustomStatus(statusSnapshot(this.progress));
  }

  /**
   * The finished run, published before its completion events go out (the orchestration completes only after them), so
   * a receiver that reads the status document at once sees the outcome and the IP verification. When the IP table does
   * not fit the 16 KB custom-status cap, the run keeps showing as running until the orchestration's output holds it:
   * never a terminal status with the verification missing.
   */
  /**
   * The outcome, shown while the run still sends its completion events: whole when it fits Durable's custom-status
   * limit, else with only the IP rows that failed (the finished run's output has every row), else still "Running".
   */
  publishFinal(): void {
    const verification = this.progress.ipVerification;
    const compact = verification === null ? null : { ...this.progress, ipVerification: failedRowsOnly(verification) };
    if (fitsCustomStatus(this.progress)) {
      this.context.df.setCustomStatus(this.progress);
    } else if (compact !== null && fitsCustomStatus(compact)) {
      this.context.df.setCustomStatus(compact);
    } else {
      this.context.df.setCustomStatus({ ...statusSnapshot(this.progress), outcome: "Running" });
    }
  }

  /**
   * Runs one step: running, then succeeded with the detail `describe` gives its value. A StepError thrown inside keeps
   * the step it names; anything else is this step's failure.
   */
  *step<T>(
    name: StepName,
    body: () => Step<T>,
    describe: (value: T) => string | null,
    startDetail: string | null = null,
  ): Step<T> {
    this.start(name, startDetail);
    let value: T;
    try {
      value = yield* body();
    } catch (error) {
      throw asStepError(error, name);
    }
    this.complete(name, describe(value));
    return value;
  }

  start(name: StepName, detail: string | null = null, publish = true): void {
    startStep(this.progress, name, this.now, detail);
    if (publish) this.publish();
  }

  complete(name: StepName, detail: string | null = null): void {
    completeStep(this.progress, name, this.now, detail);
    this.publish();
  }

  note(name: StepName, detail: string): void {
    describeStep(this.progress, name, detail);
    this.publish();
  }

  retry(name: StepName, detail: string): void {
    retryStep(this.progress, name, detail);
    this.publish();
  }

  /** A parallel step failed; its siblings carry on and the run fails once they have settled. */
  failStep(error: unknown, name: StepName): StepError {
    const failure = asStepError(error, name);
    failStep(this.progress, failure.step, this.now, failure.failure);
    this.publish();
    return failure;
  }

  skip(name: StepName, reason: string): void {
    skipStep(this.progress, name, reason);
  }

  succeed(): RunProgress {
    succeedRun(this.progress);
    this.publish();
    return this.progress;
  }

  /** Ends the run failed at the step the error names (`fallback` when it names none); no step stays running. */
  fail(error: unknown, fallback: StepName): RunProgress {
    const failure = asStepError(error, fallback);
    failRun(this.progress, failure.step, this.now, failure.failure);
    this.publish();
    return this.progress;
  }

  /** The step a failure outside any step belongs to: the one running most recently. */
  get currentStep(): StepName | null {
    return [...this.progress.steps].reverse().find((step) => step.status === "running")?.name ?? null;
  }
}

/** A StepError keeps its step; a permanent failure or any other error belongs to `step`. */
export function asStepError(error: unknown, step: StepName): StepError {
  if (error instanceof StepError) return error;
  if (error instanceof PermanentFailure) return new StepError(step, error.failure);
  return new StepError(step, failureFromError(error));
}
