/**
 * What every ARM provider module shares: the state, ARM's error bodies, Retry-After on the simulated clock, and the
 * long-running-operation engine. Operations are records (state.ts) completed by named actions, so a restarted
 * simulator finishes what the previous process started.
 */
import { randomUUID } from "node:crypto";
import { armError, type SimResponse } from "../http.js";
import type { KubeClusterData } from "../kube/model.js";
import type { KubeServers, RunningCluster } from "../kube/server.js";
import type { CertificateAuthority } from "../certificates.js";
import type { OperationError, OperationRecord, SimulatorState, StoredResource } from "../state.js";

export const SUB = "/subscriptions/([^/]+)";
export const RG = `${SUB}/resourcegroups/([^/]+)`;
export const NAME = "([^/]+)";
export const networkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";
export const contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";

export const lowerEq = (a: string | undefined, b: string | undefined) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** A string field of a loosely typed request body, or the fallback. */
export function text(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

export function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function props(resource: StoredResource): Record<string, unknown> {
  return resource.body.properties as Record<string, unknown>;
}

export function etag(): string {
  return `W/"${randomUUID()}"`;
}

export type OperationAction = (target: string, operation: OperationRecord) => OperationError | void;

/**
 * A Retry-After of `seconds` on a clock running at `timeScale`. The header holds whole seconds and the SDK ignores 0, so
 * a scaled hint is at least 1 s: at 1/30, NRP's 10 s becomes 1 s, not 0.33 s (benchmarks count it as Azure's wait).
 */
export function scaledRetryAfterSeconds(seconds: number, timeScale: number): number {
  return Math.max(1, Math.round(seconds * timeScale));
}

export class ArmContext {
  private readonly actions = new Map<string, OperationAction>();
  /** What a group's resources must undo when the group goes (clusters stop their Kubernetes API). */
  readonly beforeGroupRemoval: ((groupId: string) => void)[] = [];

  constructor(
    readonly state: SimulatorState,
    readonly authority: () => CertificateAuthority,
    readonly kubeServers: KubeServers,
  ) {}

  private readonly kubeStarts = new Map<string, Promise<RunningCluster>>();

  /** Serves a cluster's Kubernetes API (bootstrapping its objects first when it is new). */
  startKube(data: KubeClusterData, bootstrap: boolean): void {
    const starting = this.kubeServers.start(data, bootstrap);
    starting.catch(() => undefined);
    this.kubeStarts.set(data.key, starting);
  }

  async kubeRunning(key: string): Promise<RunningCluster | undefined> {
    const starting = this.kubeStarts.get(key);
    return starting === undefined ? undefined : await starting;
  }

  async stopKube(key: string): Promise<void> {
    this.kubeStarts.delete(key);
    await this.kubeServers.stop(key);
  }

  /** Provider modules name what finishing their operations does; the names are what a persisted operation stores. */
  onComplete(action: string, handler: OperationAction): void {
    this.actions.set(action, handler);
  }

  /** Starts an operation that completes after `durationMs` of simulated time, polled or not. */
  startOperation(durationMs: number, action: string, target: string): OperationRecord {
    const now = this.state.now();
    const operation: OperationRecord = {
      id: randomUUID(),
      startedAt: now,
      endsAt: now + this.state.scaled(durationMs),
      action,
      target,
      done: false,
    };
    this.state.operations.set(operation.id, operation);
    this.arm(operation);
    this.state.changed();
    return operation;
  }

  /** Timer for an operation's completion (also re-armed for operations loaded from disk). */
  arm(operation: OperationRecord): void {
    if (operation.done) return;
    // Node's timers run on a monotonic clock and may fire a millisecond before Date.now() reaches endsAt: re-arm
    // until the operation is due, or a resource polled only by HEAD (a deleted group) would never go.
    setTimeout(() => this.arm(this.settle(operation)), Math.max(1, operation.endsAt - this.state.now())).unref();
  }

  /** Completes the operation if it is due; returns it current. */
  settle(operation: OperationRecord): OperationRecord {
    if (!operation.done && this.state.now() >= operation.endsAt) {
      operation.done = true;
      const error = this.actions.get(operation.action)?.(operation.target, operation);
      if (error !== undefined) operation.error = error;
      this.state.changed();
    }
    return operation;
  }

  operation(id: string): OperationRecord | undefined {
    const operation = this.state.operations.get(id);
    return operation === undefined ? undefined : this.settle(operation);
  }

  /** Completes every due operation (before reads, so a GET never shows a state the clock has passed). */
  settleAll(): void {
    for (const operation of this.state.operations.values()) this.settle(operation);
  }

  /** Real ARM's Retry-After seconds on the simulated clock. */
  retryAfter(seconds: number): string {
    return String(scaledRetryAfterSeconds(seconds, this.state.config.timeScale));
  }

  pollHeaders(seconds = 10): Record<string, string> {
    return this.state.config.emitRetryAfter ? { "Retry-After": this.retryAfter(seconds) } : {};
  }

  groupExists(sub: string, rg: string): StoredResource | undefined {
    const group = this.state.get(rgId(sub, rg));
    return group !== undefined && props(group).provisioningState !== "Deleting" ? group : undefined;
  }

  missingGroup(rg: string): SimResponse {
    return armError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
  }

  notFound(type: string, name: string, rg: string): SimResponse {
    return armError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }

  /** The async-operation status body (`{name, status, startTime[, endTime, error]}`) as NRP and AKS return it. */
  operationBody(operation: OperationRecord): { status: string; body: Record<string, unknown> } {
    const status = !operation.done
      ? "InProgress"
      : operation.canceled === true
        ? "Canceled"
        : operation.error === undefined
          ? "Succeeded"
          : "Failed";
    return {
      status,
      body: {
        name: operation.id,
        status,
        startTime: new Date(operation.startedAt).toISOString(),
        ...(operation.done ? { endTime: new Date(Math.max(operation.endsAt, operation.startedAt)).toISOString() } : {}),
        ...(operation.error === undefined ? {} : { error: operation.error }),
      },
    };
  }
}
