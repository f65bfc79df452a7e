/**
 * Step-by-step progress of a provisioning or teardown run. Pure: the orchestrator passes in the time
 * (context.df.currentUtcDateTime), so replays rebuild exactly the same document.
 */
import type { RoleCheck, StepFailure } from "./observations.js";
import type { IpVerification } from "./ipClassification.js";
import type { CreatedResources, EventDelivery, PoolStatus, RunError, StepName, StepState } from "./statusSchemas.js";

export {
  provisioningSteps,
  teardownSteps,
  type CreatedResources,
  type EventDelivery,
  type PoolStatus,
  type RunError,
  type StepName,
  type StepState,
  type StepStatus,
} from "./statusSchemas.js";

export interface RunProgress {
  kind: "provision" | "teardown";
  outcome: "Running" | "Succeeded" | "Failed";
  steps: StepState[];
  resources: CreatedResources;
  roleChecks: RoleCheck[];
  ipVerification: IpVerification | null;
  error: RunError | null;
  /** Every node pool and its state, once the run has listed them (poolStatus.ts derives them until then). */
  pools?: PoolStatus[];
  /** Completion-event deliveries, recorded as the run ends. */
  deliveries?: EventDelivery[];
}

/** Durable custom status is capped at 16 KB; details are for people, so long ones are cut. */
const maxDetailLength = 300;

export function newProgress(kind: RunProgress["kind"], steps: readonly StepName[]): RunProgress {
  return {
    kind,
    outcome: "Running",
    steps: steps.map((name) => ({
      name,
      status: "pending",
      startedAt: null,
      completedAt: null,
      attempts: 0,
      detail: null,
    })),
    resources: {},
    roleChecks: [],
    ipVerification: null,
    error: null,
  };
}

function stepOf(progress: RunProgress, name: StepName): StepState {
  const step = progress.steps.find((candidate) => candidate.name === name);
  if (step === undefined) {
    throw new Error(`Unknown step '${name}' for a ${progress.kind} run`);
  }
  return step;
}

function clip(detail: string | null): string | null {
  return detail === null || detail.length <= maxDetailLength ? detail : `${detail.slice(0, maxDetailLength - 1)}…`;
}

export function startStep(progress: RunProgress, name: StepName, now: Date, detail: string | null = null): void {
  const step = stepOf(progress, name);
  step.status = "running";
  step.startedAt ??= now.toISOString();
  step.attempts += 1;
  step.detail = clip(detail);
}

/** A further try of a running step (e.g. a role assignment waiting for Entra replication). */
export function retryStep(progress: RunProgress, name: StepName, detail: string): void {
  const step = stepOf(progress, name);
  step.attempts += 1;
  step.detail = clip(detail);
}

export function describeStep(progress: RunProgress, name: StepName, detail: string): void {
  stepOf(progress, name).detail = clip(detail);
}

export function completeStep(progress: RunProgress, name: StepName, now: Date, detail: string | null = null): void {
  const step = stepOf(progress, name);
  step.status = "succeeded";
  step.completedAt = now.toISOString();
  if (detail !== null) {
    step.detail = clip(detail);
  }
}

export function skipStep(progress: RunProgress, name: StepName, reason: string): void {
  const step = stepOf(progress, name);
  step.status = "skipped";
  step.detail = clip(reason);
}

/** One step failed (a parallel sibling may still be running); the run itself ends through `failRun`. */
export function failStep(progress: RunProgress, name: StepName, now: Date, failure: StepFailure): void {
  const step = stepOf(progress, name);
  step.status = "failed";
  step.startedAt ??= now.toISOString();
  step.completedAt ??= now.toISOString();
  step.detail = clip(`${failure.code}: ${failure.message}`);
}

export function failRun(progress: RunProgress, name: StepName, now: Date, failure: StepFailure): void {
  failStep(progress, name, now, failure);
  progress.outcome = "Failed";
  progress.error = { step: name, code: failure.code, message: failure.message.slice(0, 2_000) };
  settleRunningSteps(progress, now, `not finished: the run failed at ${name}`);
}

/** A finished run leaves no step running: what was under way when it ended is marked canceled. */
export function settleRunningSteps(progress: RunProgress, now: Date | null, reason: string): void {
  for (const step of progress.steps) {
    if (step.status === "running") {
      step.status = "canceled";
      step.completedAt = now === null ? step.completedAt : now.toISOString();
      step.detail = clip(reason);
    }
  }
}

export function succeedRun(progress: RunProgress): void {
  progress.outcome = "Succeeded";
}

/** The part kept in custom status while running: the IP table is only in the final output, to stay under 16 KB. */
/**
 * The Durable extension refuses custom status whose JSON is over 16 KB counted in UTF-16 (two bytes a character, so
 * about 8,000 characters); a little is kept back for the host's own envelope.
 */
export function fitsCustomStatus(value: unknown): boolean {
  return JSON.stringify(value).length * 2 <= 15 * 1024;
}

export function statusSnapshot(progress: RunProgress): RunProgress {
  return { ...progress, ipVerification: null };
}
