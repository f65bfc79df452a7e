/**
 * Projects Durable instance state (provisioning run plus an optional teardown run) onto the public status document.
 * Pure: the HTTP layer fetches the instances and passes them in.
 */
import type { RoleCheck } from "./stepResults.js";
import type { ClusterRequest } from "./clusterRequest.js";
import type { IpVerification } from "./ipClassification.js";
import type { CreatedResources, RunError, RunProgress, StepState } from "./progress.js";

export const clusterStatuses = [
  "Pending",
  "Running",
  "Succeeded",
  "Failed",
  "Canceled",
  "Deleting",
  "Deleted",
] as const;
export type ClusterStatus = (typeof clusterStatuses)[number];

/** The subset of DurableOrchestrationStatus this projection reads. */
export interface InstanceSnapshot {
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
}

export interface StatusDocument {
  id: string;
  status: ClusterStatus;
  createdAt: string;
  updatedAt: string;
  request: ClusterRequest | null;
  steps: StepState[];
  resources: CreatedResources;
  roleChecks: RoleCheck[];
  ipVerification: IpVerification | null;
  error: RunError | null;
}

export interface StatusSummary {
  id: string;
  status: ClusterStatus;
  subscriptionId: string | null;
  resourceGroup: string | null;
  clusterName: string | null;
  createdAt: string;
  updatedAt: string;
}

const activeRuntimeStatuses = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

export function isActive(instance: InstanceSnapshot | null): boolean {
  return instance !== null && activeRuntimeStatuses.has(instance.runtimeStatus);
}

function isProgress(value: unknown): value is RunProgress {
  return typeof value === "object" && value !== null && Array.isArray((value as { steps?: unknown }).steps);
}

function progressOf(instance: InstanceSnapshot): RunProgress | null {
  if (isProgress(instance.output)) return instance.output;
  if (isProgress(instance.customStatus)) return instance.customStatus;
  return null;
}

function requestOf(instance: InstanceSnapshot): ClusterRequest | null {
  const input = instance.input as { request?: ClusterRequest } | null | undefined;
  return input?.request ?? null;
}

/** An orchestrator crash (not a step failure) surfaces as a Failed instance whose output is the error text. */
function crashError(instance: InstanceSnapshot, fallbackStep: RunError["step"]): RunError {
  const message = typeof instance.output === "string" ? instance.output : "the orchestration failed unexpectedly";
  return { step: fallbackStep, code: "OrchestrationFailed", message: message.slice(0, 2_000) };
}

function runStatus(instance: InstanceSnapshot, progress: RunProgress | null, kind: RunProgress["kind"]): ClusterStatus {
  switch (instance.runtimeStatus) {
    case "Pending":
      return kind === "teardown" ? "Deleting" : "Pending";
    case "Running":
    case "ContinuedAsNew":
    case "Suspended":
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

export function toStatusDocument(
  id: string,
  provision: InstanceSnapshot,
  teardown: InstanceSnapshot | null,
): StatusDocument {
  const progress = progressOf(provision);
  const teardownProgress = teardown === null ? null : progressOf(teardown);
  // A teardown older than the current provisioning run belongs to an earlier life of this cluster.
  const teardownCurrent = teardown !== null && teardown.createdTime >= provision.createdTime;
  const status = teardownCurrent
    ? runStatus(teardown, teardownProgress, "teardown")
    : runStatus(provision, progress, "provision");
  const steps = [...(progress?.steps ?? []), ...(teardownCurrent ? (teardownProgress?.steps ?? []) : [])];
  let error: RunError | null = progress?.error ?? null;
  if (teardownCurrent && teardownProgress?.error) {
    error = teardownProgress.error;
  } else if (!teardownCurrent && status === "Failed" && error === null) {
    error = crashError(provision, steps.find((step) => step.status === "running")?.name ?? "resourceGroup");
  }
  return {
    id,
    status,
    createdAt: provision.createdTime,
    updatedAt:
      teardownCurrent && teardown.lastUpdatedTime > provision.lastUpdatedTime
        ? teardown.lastUpdatedTime
        : provision.lastUpdatedTime,
    request: requestOf(provision),
    steps,
    resources: progress?.resources ?? {},
    roleChecks: progress?.roleChecks ?? [],
    ipVerification: progress?.ipVerification ?? null,
    error,
  };
}

export function toStatusSummary(document: StatusDocument): StatusSummary {
  return {
    id: document.id,
    status: document.status,
    subscriptionId: document.request?.subscriptionId ?? null,
    resourceGroup: document.request?.resourceGroup ?? null,
    clusterName: document.request?.clusterName ?? null,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}
