/**
 * The orchestration driver: client operations (start, raise, terminate, suspend, resume, purge), one episode at a
 * time per instance (episode.ts), and the work episodes produce: activities (bounded concurrency), durable timers
 * (timers.ts) and sub-orchestrations. Every piece of work carries the execution id that scheduled it, so results of
 * an older execution never reach a newer one. Storage errors are retried (retryingStore.ts) and an episode that
 * still fails is tried again later, never left to reject unhandled.
 */
import { ConcurrencyLimit, executeActivity } from "./activities.js";
import { runEpisode, startedEvent, type EpisodeHost } from "./episode.js";
import type { FunctionRegistry } from "./functionsCore.js";
import { GoneError, InstanceExistsError, NotFoundError, isActiveStatus, newExecutionId } from "./instanceStatus.js";
import { findFunction } from "./invoke.js";
import { EventType, type Work } from "./replay.js";
import { resumeAll, type RecoveryHost } from "./recovery.js";
import { RetryingStore, describeError } from "./retryingStore.js";
import type { HistoryEvent, InstanceRecord, InstanceStore } from "./store.js";
import { TimerTable, type ArmedTimer } from "./timers.js";

export { GoneError, InstanceExistsError, NotFoundError, isActiveStatus } from "./instanceStatus.js";

export interface EngineOptions {
  registry: FunctionRegistry;
  store: InstanceStore;
  maxConcurrentActivities: number;
  timers: "real" | "auto";
  log: (line: string) => void;
  /** Backoff for an episode or a delivery that failed even after the store's own retries. */
  failureBackoffMs?: number;
}

export class DurableEngine implements EpisodeHost, RecoveryHost {
  readonly store: InstanceStore;
  readonly registry: FunctionRegistry;
  readonly log: (line: string) => void;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly timerTable: TimerTable;
  private readonly activities: ConcurrencyLimit;
  private readonly retryHandles = new Set<NodeJS.Timeout>();
  private busy = 0;
  private clockOffset = 0;
  private inboxCounter = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    this.registry = options.registry;
    this.log = options.log;
    this.store = new RetryingStore(options.store, options.log);
    this.timerTable = new TimerTable(
      options.timers,
      () => this.now(),
      (timer) => this.timerFired(timer),
    );
    this.activities = new ConcurrencyLimit(options.maxConcurrentActivities, (delta) => {
      this.busy += delta;
      if (delta < 0) this.checkIdle();
    });
  }

  now(): number {
    return Date.now() + this.clockOffset;
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** The registered orchestrator's own spelling of a name (names are case-insensitive). */
  orchestratorName(name: string): string | undefined {
    return findFunction(this.registry, name, "orchestrationTrigger")?.metadata.name;
  }

  // --- client operations ---

  /** Starts in flight per instance id: two starts of one id run one after the other, as the extension's are. */
  private readonly starting = new Map<string, Promise<unknown>>();

  /**
   * Starts (or replaces a finished) instance. Two starts racing for one id are serialised: the second then finds the
   * first's instance running and fails as OrchestrationAlreadyExists, instead of both deleting the finished one.
   */
  startNew(
    name: string,
    instanceId: string | undefined,
    input: unknown,
    parent?: { instanceId: string; executionId: string; taskId: number },
  ): Promise<InstanceRecord> {
    const id = instanceId ?? newExecutionId();
    const before = this.starting.get(id) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.startNow(name, id, input, parent));
    this.starting.set(id, mine);
    void mine
      .catch(() => undefined)
      .then(() => {
        if (this.starting.get(id) === mine) this.starting.delete(id);
      });
    return mine;
  }

  private async startNow(
    name: string,
    id: string,
    input: unknown,
    parent?: { instanceId: string; executionId: string; taskId: number },
  ): Promise<InstanceRecord> {
    const registered = this.orchestratorName(name);
    if (registered === undefined)
      throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const existing = await this.store.getInstance(id);
    if (existing !== undefined && isActiveStatus(existing.runtimeStatus)) {
      throw new InstanceExistsError(
        `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`,
      );
    }
    if (existing !== undefined) {
      this.timerTable.cancel(id);
      await this.store.deleteInstance(id);
    }
    const now = this.nowIso();
    const record: InstanceRecord = {
      instanceId: id,
      name: registered,
      executionId: newExecutionId(),
      input: JSON.stringify(input ?? null),
      runtimeStatus: "Pending",
      createdTime: now,
      lastUpdatedTime: now,
      customStatus: null,
      output: null,
      parentInstanceId: parent?.instanceId ?? null,
      parentTaskId: parent?.taskId ?? null,
      parentExecutionId: parent?.executionId ?? null,
    };
    // If the process dies between these two writes, recovery finds a record with no history and no start in its
    // inbox, and delivers the start then.
    await this.store.saveInstance(record);
    await this.deliver(id, startedEvent(record, now));
    return record;
  }

  getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.store.getInstance(instanceId);
  }

  history(instanceId: string): Promise<HistoryEvent[]> {
    return this.store.getHistory(instanceId);
  }

  list(): Promise<InstanceRecord[]> {
    return this.store.listInstances();
  }

  async raiseEvent(instanceId: string, name: string, data: unknown): Promise<void> {
    const record = await this.requireActive(instanceId);
    await this.deliver(record.instanceId, {
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.nowIso(),
      Name: name,
      Input: JSON.stringify(data ?? null),
    });
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    await this.serialized(instanceId, async () => {
      const record = await this.requireActive(instanceId);
      const history = await this.store.getHistory(instanceId);
      await this.store.appendHistory(instanceId, history.length, [
        {
          EventType: EventType.ExecutionTerminated,
          EventId: -1,
          IsPlayed: true,
          Timestamp: this.nowIso(),
          Input: JSON.stringify(reason),
        },
      ]);
      await this.finish(record, "Terminated", JSON.stringify(reason));
    });
  }

  async suspend(instanceId: string, reason: string): Promise<void> {
    await this.serialized(instanceId, async () => {
      const record = await this.requireActive(instanceId);
      record.runtimeStatus = "Suspended";
      record.lastUpdatedTime = this.nowIso();
      await this.store.saveInstance(record);
      this.log(`suspended ${instanceId}: ${reason}`);
    });
  }

  async resume(instanceId: string, reason: string): Promise<void> {
    await this.serialized(instanceId, async () => {
      const record = await this.requireActive(instanceId);
      if (record.runtimeStatus !== "Suspended") return;
      record.runtimeStatus = "Running";
      record.lastUpdatedTime = this.nowIso();
      await this.store.saveInstance(record);
      this.log(`resumed ${instanceId}: ${reason}`);
    });
    this.schedule(instanceId);
  }

  async purge(instanceId: string): Promise<boolean> {
    const record = await this.store.getInstance(instanceId);
    if (record === undefined) return false;
    await this.serialized(instanceId, async () => {
      this.timerTable.cancel(instanceId);
      await this.store.deleteInstance(instanceId);
    });
    return true;
  }

  private async requireActive(instanceId: string): Promise<InstanceRecord> {
    const record = await this.store.getInstance(instanceId);
    if (record === undefined) throw new NotFoundError(`No instance with ID '${instanceId}' found.`);
    if (!isActiveStatus(record.runtimeStatus))
      throw new GoneError(`The instance '${instanceId}' is ${record.runtimeStatus}.`);
    return record;
  }

  // --- scheduling ---

  async deliver(instanceId: string, event: HistoryEvent): Promise<void> {
    this.inboxCounter += 1;
    const key = `${String(this.now()).padStart(15, "0")}-${String(this.inboxCounter).padStart(8, "0")}`;
    await this.store.addInbox(instanceId, key, event);
    this.schedule(instanceId);
  }

  /** Delivery from a timer or an activity, where nobody awaits the outcome: keep trying through an outage. */
  private deliverInBackground(instanceId: string, event: HistoryEvent): void {
    if (this.closed) return;
    this.busy += 1;
    void this.deliver(instanceId, event)
      .catch((error: unknown) => {
        this.log(`instance ${instanceId}: could not deliver event ${event.EventType}: ${describeError(error)}`);
        this.later(() => this.deliverInBackground(instanceId, event));
      })
      .finally(() => {
        this.busy -= 1;
        this.checkIdle();
      });
  }

  private later(task: () => void): void {
    if (this.closed) return;
    const handle = setTimeout(() => {
      this.retryHandles.delete(handle);
      task();
    }, this.options.failureBackoffMs ?? 2_000);
    this.retryHandles.add(handle);
  }

  private serialized(instanceId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(instanceId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    this.queues.set(instanceId, settled);
    this.busy += 1;
    void settled.finally(() => {
      this.busy -= 1;
      if (this.queues.get(instanceId) === settled) this.queues.delete(instanceId);
      this.checkIdle();
    });
    return next;
  }

  schedule(instanceId: string): void {
    if (this.closed) return;
    if (this.dirty.has(instanceId)) return;
    this.dirty.add(instanceId);
    void this.serialized(instanceId, async () => {
      this.dirty.delete(instanceId);
      await runEpisode(this, instanceId);
    }).catch((error: unknown) => {
      // The inbox still holds the events; run the episode again once storage answers.
      this.log(`instance ${instanceId}: episode failed, will retry: ${describeError(error)}`);
      this.later(() => this.schedule(instanceId));
    });
  }

  cancelTimers(instanceId: string, keepExecution?: string): void {
    this.timerTable.cancel(instanceId, keepExecution);
  }

  async finish(record: InstanceRecord, status: InstanceRecord["runtimeStatus"], output: string): Promise<void> {
    record.runtimeStatus = status;
    record.output = output;
    record.lastUpdatedTime = this.nowIso();
    await this.store.saveInstance(record);
    this.timerTable.cancel(record.instanceId);
    await this.notifyParent(record);
  }

  /** A finished sub-orchestration reports to the execution of its parent that scheduled it. */
  async notifyParent(child: InstanceRecord): Promise<void> {
    if (child.parentInstanceId === null || child.parentTaskId === null) return;
    const output = child.output ?? "null";
    const failureReason = (() => {
      const parsed = safeJson(output);
      return child.runtimeStatus === "Failed" && typeof parsed === "string"
        ? parsed
        : `Sub-orchestration '${child.name}' ${child.runtimeStatus.toLowerCase()}: ${output}`;
    })();
    const base = {
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.nowIso(),
      TaskScheduledId: child.parentTaskId,
      ...(child.parentExecutionId ? { ExecutionId: child.parentExecutionId } : {}),
    };
    await this.deliver(
      child.parentInstanceId,
      child.runtimeStatus === "Completed"
        ? { ...base, EventType: EventType.SubOrchestrationInstanceCompleted, Result: output }
        : {
            ...base,
            EventType: EventType.SubOrchestrationInstanceFailed,
            Reason: failureReason,
            Details: subOrchestrationFailureDetails(child.name, failureReason),
          },
    );
  }

  // --- work ---

  async dispatch(record: InstanceRecord, work: Work): Promise<void> {
    switch (work.kind) {
      case "activity":
        this.runActivity(record.instanceId, record.executionId, work.id, work.name, work.input);
        return;
      case "timer":
        this.timerTable.arm(record.instanceId, record.executionId, work.id, work.fireAt);
        this.checkIdle();
        return;
      case "subOrchestration": {
        const existing = await this.store.getInstance(work.instanceId);
        if (existing === undefined || !isActiveStatus(existing.runtimeStatus)) {
          const input = typeof work.input === "string" ? safeJson(work.input) : work.input;
          await this.startNew(work.name, work.instanceId, input, {
            instanceId: record.instanceId,
            executionId: record.executionId,
            taskId: work.id,
          });
        }
      }
    }
  }

  private runActivity(instanceId: string, executionId: string, taskId: number, name: string, rawInput: unknown) {
    // The extension treats string action inputs as JSON text (the SDK stringifies string inputs).
    const input = typeof rawInput === "string" ? safeJson(rawInput) : rawInput;
    this.activities.run(
      async () => {
        const event = await executeActivity(
          this.registry,
          name,
          input,
          taskId,
          executionId,
          () => this.nowIso(),
          this.log,
        );
        this.deliverInBackground(instanceId, event);
      },
      (error) => this.log(`activity ${name}: ${describeError(error)}`),
    );
  }

  private timerFired(timer: ArmedTimer): void {
    this.deliverInBackground(timer.instanceId, {
      EventType: EventType.TimerFired,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.nowIso(),
      TimerId: timer.timerId,
      FireAt: timer.fireAtIso,
      ExecutionId: timer.executionId,
    });
  }

  /** Auto timers: when nothing is running, jump the virtual clock to the next due timer. */
  private checkIdle(): void {
    if (this.busy > 0 || this.queues.size > 0) return;
    if (this.options.timers === "auto") {
      const next = this.timerTable.earliest();
      if (next !== undefined) {
        this.clockOffset = Math.max(this.clockOffset, next.dueAt - Date.now());
        setImmediate(() => this.timerTable.fire(next));
        return;
      }
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      setImmediate(() => this.checkIdle());
    });
  }

  /** After a restart: put every active instance back in motion (recovery.ts). */
  resumeAll(): Promise<number> {
    return resumeAll(this);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timerTable.clear();
    for (const handle of this.retryHandles) clearTimeout(handle);
    this.retryHandles.clear();
    await Promise.allSettled([...this.queues.values()]);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The Details the extension gives a parent when its child fails: "Message: <the child's error>, StackTrace: <the
 * host's .NET stack>" (OutOfProcOrchestrationShim). The parent's error message is Reason + Details, so the child's
 * error reaches it twice; the .NET stack has no counterpart here and is left empty.
 */
export function subOrchestrationFailureDetails(childName: string, reason: string): string {
  const prefix = `Orchestrator function '${childName}' failed: `;
  return `Message: ${reason.startsWith(prefix) ? reason.slice(prefix.length) : reason}, StackTrace: `;
}
