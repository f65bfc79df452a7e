/**
 * Projects Durable instance state (provisioning run plus an optional teardown run) onto the public status document.
 * Pure: the HTTP layer fetches the instances and passes them in.
 */
import type { ClusterRequest } from "./clusterRequest.js";
import type { RunError, RunProgress, StepState } from "./progress.js";
import { poolsOf } from "./poolStatus.js";
import { publicNotify, type RunMeta } from "./runMeta.js";
import type { AbortOutcome, ClusterStatus, StatusDocument, StatusSummary } from "./statusSchemas.js";

export { clusterStatuses, type ClusterStatus, type StatusDocument, type StatusSummary } from "./statusSchemas.js";

/** The subset of DurableOrchestrationStatus this projection reads. */
export interface InstanceSnapshot {
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
}

/**
 * A teardown runs under the provisioning run's own instance id (so a status read is one store read) and carries what
 * the finished provisioning run reported in its input: that is how the document keeps the whole story.
 */
export interface PreviousRun {
  request: ClusterRequest;
  specHash: string;
  createdAt: string;
  progress: RunProgress | null;
  meta: RunMeta | null;
}

const activeRuntimeStatuses = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

export function isActive(instance: InstanceSnapshot | null): boolean {
  return instance !== null && activeRuntimeStatuses.has(instance.runtimeStatus);
}

/**
 * A run whose outcome is published while its orchestration still delivers the completion events: the document reads
 * Succeeded or Failed (or Deleted), but Durable counts the instance as running and starts no other under its id.
 */
export function isFinishing(instance: InstanceSnapshot | null): boolean {
  if (instance === null || !isActive(instance)) return false;
  const outcome = progressOf(instance)?.outcome;
  return outcome === "Succeeded" || outcome === "Failed";
}

function isProgress(value: unknown): value is RunProgress {
  return typeof value === "object" && value !== null && Array.isArray((value as { steps?: unknown }).steps);
}

export function progressOf(instance: InstanceSnapshot): RunProgress | null {
  if (isProgress(instance.output)) return instance.output;
  if (isProgress(instance.customStatus)) return instance.customStatus;
  return null;
}

function requestOf(instance: InstanceSnapshot): ClusterRequest | null {
  const input = instance.input as { request?: ClusterRequest } | null | undefined;
  return input?.request ?? null;
}

export function metaOf(instance: InstanceSnapshot): RunMeta | null {
  const input = instance.input as { meta?: RunMeta } | null | undefined;
  return input?.meta ?? null;
}

/** The provisioning run a teardown instance replaced, or null for a provisioning instance. */
export function previousRunOf(instance: InstanceSnapshot): PreviousRun | null {
  const input = instance.input as { previous?: PreviousRun } | null | undefined;
  return input?.previous ?? null;
}

/**
 * An orchestrator crash (not a step failure) surfaces as a Failed instance whose output is the host's error text; only
 * its first line is shown, without stack frames or server paths.
 */
function crashError(instance: InstanceSnapshot, fallbackStep: RunError["step"]): RunError {
  const text = typeof instance.output === "string" ? instance.output : "";
  const firstLine = (text.split("\n")[0] ?? "")
    .replace(/(?:file:\/\/)?(?:\/[\w.@+-]+){2,}(?::\d+){0,2}/g, "[path]")
    .trim();
  return {
    step: fallbackStep,
    code: "OrchestrationFailed",
    message: (firstLine || "the orchestration failed unexpectedly").slice(0, 500),
  };
}

/** A canceled or crashed run stopped mid-step: what was running did not finish, and the document says so. */
function settledSteps(steps: StepState[], status: ClusterStatus): StepState[] {
  if (status !== "Canceled" && status !== "Failed") return steps;
  return steps.map((step) =>
    step.status === "running"
      ? { ...step, status: "canceled", detail: status === "Canceled" ? "canceled through the API" : step.detail }
      : step,
  );
}

function runStatus(instance: InstanceSnapshot, progress: RunProgress | null, kind: RunProgress["kind"]): ClusterStatus {
  switch (instance.runtimeStatus) {
    case "Pending":
      return kind === "teardown" ? "Deleting" : "Pending";
    case "Running":
    case "ContinuedAsNew":
    case "Suspended":
      // The run has ended and is only delivering its completion events: report the outcome already.
      if (progress?.outcome === "Failed") return "Failed";
      if (progress?.outcome === "Succeeded") return kind === "teardown" ? "Deleted" : "Succeeded";
      return kind === "teardown" ? "Deleting" : progress === null ? "Pending" : "Running";
    case "Completed":
      if (progress?.outcome === "Failed") return "Failed";
      return kind === "teardown" ? "Deleted" : "Succeeded";
    case "Terminated":
    case "Canceled":
      return "Canceled";
    default:
      return "Failed";
  }
}

/** A teardown instance: the provisioning run it replaced, then its own delete step. */
function teardownDocument(id: string, instance: InstanceSnapshot, previous: PreviousRun): StatusDocument {
  const progress = progressOf(instance);
  const status = runStatus(instance, progress, "teardown");
  const steps = settledSteps([...(previous.progress?.steps ?? []), ...(progress?.steps ?? [])], status);
  let error = progress?.error ?? null;
  if (status === "Failed" && error === null) {
    error = crashError(instance, progress?.steps[0]?.name ?? "deleteCluster");
  }
  return {
    id,
    status,
    createdAt: previous.createdAt,
    updatedAt: instance.lastUpdatedTime,
    request: previous.request,
    steps,
    resources: previous.progress?.resources ?? {},
    pools: poolsOf(previous.request, previous.progress),
    roleChecks: previous.progress?.roleChecks ?? [],
    ipVerification: previous.progress?.ipVerification ?? null,
    error,
    requestedBy: previous.meta?.requestedBy ?? null,
    notify: publicNotify(previous.meta?.events),
    deliveries: [...(previous.progress?.deliveries ?? []), ...(progress?.deliveries ?? [])],
  };
}

/** The status document from the run's one instance: a provisioning run, or the teardown that replaced it. */
export function toStatusDocument(id: string, provision: InstanceSnapshot): StatusDocument {
  const previous = previousRunOf(provision);
  if (previous !== null) return teardownDocument(id, provision, previous);
  const progress = progressOf(provision);
  const status = runStatus(provision, progress, "provision");
  const steps = settledSteps(progress?.steps ?? [], status);
  let error: RunError | null = progress?.error ?? null;
  if (status === "Failed" && error === null) {
    error = crashError(
      provision,
      [...(progress?.steps ?? [])].reverse().find((step) => step.status === "running")?.name ?? "resourceGroup",
    );
  }
  return {
    id,
    status,
    createdAt: provision.createdTime,
    updatedAt: provision.lastUpdatedTime,
    request: requestOf(provision),
    steps,
    resources: progress?.resources ?? {},
    pools: poolsOf(requestOf(provision), progress),
    roleChecks: progress?.roleChecks ?? [],
    ipVerification: progress?.ipVerification ?? null,
    error,
    requestedBy: metaOf(provision)?.requestedBy ?? null,
    notify: publicNotify(metaOf(provision)?.events),
    deliveries: progress?.deliveries ?? [],
  };
}

export function toStatusSummary(document: StatusDocument): StatusSummary {
  return {
    id: document.id,
    status: document.status,
    subscriptionId: document.request?.subscriptionId ?? null,
    resourceGroup: document.request?.resourceGroup ?? null,
    clusterName: document.request?.clusterName ?? null,
    requestedBy: document.requestedBy,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

/**
 * A canceled run's document with what the orchestration that announced the cancel found: the abort of AKS's
 * operation (once settled) and the canceled event's deliveries. Absent until that orchestration has finished.
 */
export function withCancelOutcome(document: StatusDocument, announced: InstanceSnapshot | null): StatusDocument {
  if (document.status !== "Canceled" || announced?.runtimeStatus !== "Completed") return document;
  const output = announced.output as { abort?: AbortOutcome | null; deliveries?: StatusDocument["deliveries"] } | null;
  return {
    ...document,
    deliveries: [...document.deliveries, ...(output?.deliveries ?? [])],
    ...(output?.abort == null ? {} : { abort: output.abort }),
  };
}
