/**
 * The orchestration driver: runs episodes through the app's own orchestrator handler (the durable-functions replay
 * code), appends the history events the extension would, and executes new work (activities, timers,
 * sub-orchestrations). One episode at a time per instance; activities run concurrently up to a limit.
 */
import { randomUUID } from "node:crypto";
import type { FunctionRegistry, RegisteredFunction } from "./functionsCore.js";
import { fromTypedData, invokeFunction, triggerBindingName } from "./invoke.js";
import { ActionType, EventType, replayActions, schedulingEvent, type Action, type Work } from "./replay.js";
import type { HistoryEvent, InstanceRecord, InstanceStore } from "./store.js";

export interface EngineOptions {
  registry: FunctionRegistry;
  store: InstanceStore;
  maxConcurrentActivities: number;
  timers: "real" | "auto";
  log: (line: string) => void;
}

export class InstanceExistsError extends Error {}
export class NotFoundError extends Error {}
export class GoneError extends Error {}

const activeStatuses = new Set(["Pending", "Running", "Suspended", "ContinuedAsNew"]);
export const isActiveStatus = (status: string) => activeStatuses.has(status);

interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export class DurableEngine {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { fireAt: number; handle: NodeJS.Timeout | null; fire: () => void }>();
  private runningActivities = 0;
  private readonly activityQueue: (() => void)[] = [];
  private busy = 0;
  private clockOffset = 0;
  private inboxCounter = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: EngineOptions) {}

  now(): number {
    return Date.now() + this.clockOffset;
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  private orchestrator(name: string): RegisteredFunction | undefined {
    const fn = this.options.registry.functions.get(name);
    return fn !== undefined && Object.values(fn.metadata.bindings).some((b) => b.type === "orchestrationTrigger")
      ? fn
      : undefined;
  }

  private activity(name: string): RegisteredFunction | undefined {
    const fn = this.options.registry.functions.get(name);
    return fn !== undefined && Object.values(fn.metadata.bindings).some((b) => b.type === "activityTrigger")
      ? fn
      : undefined;
  }

  // --- client operations ---

  async startNew(
    name: string,
    instanceId: string | undefined,
    input: unknown,
    parent?: { instanceId: string; taskId: number },
  ): Promise<InstanceRecord> {
    if (this.orchestrator(name) === undefined)
      throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const id = instanceId ?? randomUUID().replace(/-/g, "");
    const existing = await this.options.store.getInstance(id);
    if (existing !== undefined && isActiveStatus(existing.runtimeStatus)) {
      throw new InstanceExistsError(
        `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`,
      );
    }
    if (existing !== undefined) await this.options.store.deleteInstance(id);
    const now = this.nowIso();
    const record: InstanceRecord = {
      instanceId: id,
      name,
      executionId: randomUUID().replace(/-/g, ""),
      input: JSON.stringify(input ?? null),
      runtimeStatus: "Pending",
      createdTime: now,
      lastUpdatedTime: now,
      customStatus: null,
      output: null,
      parentInstanceId: parent?.instanceId ?? null,
      parentTaskId: parent?.taskId ?? null,
    };
    await this.options.store.saveInstance(record);
    await this.deliver(id, {
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: now,
      Name: name,
      Input: record.input,
      Version: "",
    });
    return record;
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.options.store.getInstance(instanceId);
  }

  async history(instanceId: string): Promise<HistoryEvent[]> {
    return this.options.store.getHistory(instanceId);
  }

  async list(): Promise<InstanceRecord[]> {
    return this.options.store.listInstances();
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
      const history = await this.options.store.getHistory(instanceId);
      await this.options.store.appendHistory(instanceId, history.length, [
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
      await this.options.store.saveInstance(record);
      this.options.log(`suspended ${instanceId}: ${reason}`);
    });
  }

  async resume(instanceId: string, reason: string): Promise<void> {
    await this.serialized(instanceId, async () => {
      const record = await this.requireActive(instanceId);
      if (record.runtimeStatus !== "Suspended") return;
      record.runtimeStatus = "Running";
      record.lastUpdatedTime = this.nowIso();
      await this.options.store.saveInstance(record);
      this.options.log(`resumed ${instanceId}: ${reason}`);
    });
    this.schedule(instanceId);
  }

  async purge(instanceId: string): Promise<boolean> {
    const record = await this.options.store.getInstance(instanceId);
    if (record === undefined) return false;
    await this.serialized(instanceId, () => this.options.store.deleteInstance(instanceId));
    return true;
  }

  private async requireActive(instanceId: string): Promise<InstanceRecord> {
    const record = await this.options.store.getInstance(instanceId);
    if (record === undefined) throw new NotFoundError(`No instance with ID '${instanceId}' found.`);
    if (!isActiveStatus(record.runtimeStatus))
      throw new GoneError(`The instance '${instanceId}' is ${record.runtimeStatus}.`);
    return record;
  }

  // --- scheduling ---

  private async deliver(instanceId: string, event: HistoryEvent): Promise<void> {
    this.inboxCounter += 1;
    const key = `${String(this.now()).padStart(15, "0")}-${String(this.inboxCounter).padStart(8, "0")}`;
    await this.options.store.addInbox(instanceId, key, event);
    this.schedule(instanceId);
  }

  private serialized(instanceId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(instanceId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch((error: unknown) =>
      this.options.log(
        `instance ${instanceId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
    this.queues.set(instanceId, settled);
    this.busy += 1;
    void settled.finally(() => {
      this.busy -= 1;
      if (this.queues.get(instanceId) === settled) this.queues.delete(instanceId);
      this.checkIdle();
    });
    return next;
  }

  private schedule(instanceId: string): void {
    if (this.closed) return;
    if (this.dirty.has(instanceId)) return;
    this.dirty.add(instanceId);
    void this.serialized(instanceId, async () => {
      this.dirty.delete(instanceId);
      await this.episode(instanceId);
    });
  }

  // --- episodes ---

  private async episode(instanceId: string): Promise<void> {
    const record = await this.options.store.getInstance(instanceId);
    const inbox = await this.options.store.getInbox(instanceId);
    if (record === undefined || !isActiveStatus(record.runtimeStatus)) {
      if (inbox.length > 0)
        await this.options.store.removeInbox(
          instanceId,
          inbox.map((entry) => entry.key),
        );
      return;
    }
    if (record.runtimeStatus === "Suspended" || inbox.length === 0) return;
    const past = await this.options.store.getHistory(instanceId);
    // A restart can leave already-recorded completions in the inbox; deliver each event once.
    const seen = new Set(
      past
        .filter(
          (e) =>
            e.EventType === EventType.TimerFired ||
            e.EventType === EventType.TaskCompleted ||
            e.EventType === EventType.TaskFailed ||
            e.EventType === EventType.SubOrchestrationInstanceCompleted ||
            e.EventType === EventType.SubOrchestrationInstanceFailed,
        )
        .map((e) => `${e.EventType}:${e.TimerId ?? e.TaskScheduledId ?? ""}`),
    );
    const fresh = inbox.filter(
      ({ event }) =>
        !(event.EventType === EventType.ExecutionStarted && past.length > 0) &&
        !seen.has(`${event.EventType}:${event.TimerId ?? event.TaskScheduledId ?? ""}`),
    );
    const consumed = inbox.map((entry) => entry.key);
    if (fresh.length === 0) {
      await this.options.store.removeInbox(instanceId, consumed);
      return;
    }
    let episodeTime = this.now();
    for (const { event } of fresh) {
      if (event.EventType === EventType.TimerFired && event.FireAt !== undefined)
        episodeTime = Math.max(episodeTime, Date.parse(event.FireAt));
    }
    const timestamp = new Date(episodeTime).toISOString();
    const newEvents: HistoryEvent[] = [
      { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: timestamp },
      ...fresh.map(({ event }) => ({ ...event, IsPlayed: false })),
    ];
    const replayHistory = [...past.map((event) => ({ ...event, IsPlayed: true })), ...newEvents];

    const state = await this.runOrchestrator(record, replayHistory);
    const actions = state.actions[0] ?? [];
    const replay = replayActions(actions, replayHistory, record.executionId);
    const toAppend: HistoryEvent[] = newEvents.map((event) => ({ ...event, IsPlayed: true }));
    if (state.customStatus !== undefined) record.customStatus = JSON.stringify(state.customStatus);

    const failure =
      state.error !== undefined
        ? `Orchestrator function '${record.name}' failed: ${state.error}`
        : (replay.nondeterminism ??
          (replay.unsupported === null
            ? null
            : `Orchestrator function '${record.name}' failed: ${replay.unsupported}`));
    const missing = replay.newWork.find((work) =>
      work.kind === "activity"
        ? this.activity(work.name) === undefined
        : work.kind === "subOrchestration"
          ? this.orchestrator(work.name) === undefined
          : false,
    );
    const missingFailure =
      missing !== undefined && "name" in missing
        ? `The function '${missing.name}' doesn't exist, is disabled, or is not an ${missing.kind === "activity" ? "activity" : "orchestrator"} function.`
        : null;

    if (failure !== null || missingFailure !== null) {
      const message = failure ?? missingFailure ?? "";
      toAppend.push(
        { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: true, Timestamp: timestamp },
        {
          EventType: EventType.ExecutionFailed,
          EventId: -1,
          IsPlayed: true,
          Timestamp: timestamp,
          Reason: message,
          Details: "",
        },
      );
      await this.options.store.appendHistory(instanceId, past.length, toAppend);
      await this.options.store.removeInbox(instanceId, consumed);
      await this.finish(record, "Failed", JSON.stringify(message));
      return;
    }

    toAppend.push(...replay.newWork.map((work) => schedulingEvent(work, timestamp)));
    toAppend.push({ EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: true, Timestamp: timestamp });
    const continueAsNew = state.isDone
      ? actions.find((action) => action.actionType === ActionType.ContinueAsNew)
      : undefined;
    if (state.isDone && continueAsNew === undefined) {
      toAppend.push({
        EventType: EventType.ExecutionCompleted,
        EventId: -1,
        IsPlayed: true,
        Timestamp: timestamp,
        Result: JSON.stringify(state.output ?? null),
      });
    }
    await this.options.store.appendHistory(instanceId, past.length, toAppend);
    await this.options.store.removeInbox(instanceId, consumed);

    if (continueAsNew !== undefined) {
      await this.options.store.clearHistory(instanceId);
      record.executionId = randomUUID().replace(/-/g, "");
      record.input = JSON.stringify(continueAsNew.input ?? null);
      record.runtimeStatus = "Running";
      record.lastUpdatedTime = timestamp;
      await this.options.store.saveInstance(record);
      await this.deliver(instanceId, {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: timestamp,
        Name: record.name,
        Input: record.input,
        Version: "",
      });
      return;
    }
    if (state.isDone) {
      await this.finish(record, "Completed", JSON.stringify(state.output ?? null));
      return;
    }
    record.runtimeStatus = "Running";
    record.lastUpdatedTime = timestamp;
    await this.options.store.saveInstance(record);
    for (const work of replay.newWork) await this.dispatch(record, work);
  }

  private async runOrchestrator(record: InstanceRecord, history: HistoryEvent[]): Promise<OrchestratorState> {
    const fn = this.orchestrator(record.name);
    if (fn === undefined)
      return {
        isDone: false,
        actions: [],
        error: `The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
    const payload = {
      history,
      input: JSON.parse(record.input) as unknown,
      instanceId: record.instanceId,
      isReplaying: history.some((event) => event.IsPlayed),
      parentInstanceId: record.parentInstanceId,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: "3.00:00:00",
      maximumShortTimerDuration: "6.00:00:00",
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    try {
      const result = await invokeFunction(
        this.options.registry,
        fn,
        [{ name: triggerBindingName(fn, "orchestrationTrigger"), data: { string: JSON.stringify(payload) } }],
        this.options.log,
      );
      return fromTypedData(result.returnValue) as OrchestratorState;
    } catch (error) {
      // The SDK reports a failed orchestrator as an error whose message carries the state after "$OutOfProcData$:".
      const message = error instanceof Error ? error.message : String(error);
      const marker = message.indexOf("$OutOfProcData$:");
      if (marker >= 0) {
        const state = JSON.parse(message.slice(marker + "$OutOfProcData$:".length)) as OrchestratorState;
        return { ...state, error: state.error ?? message.slice(0, marker).trim() };
      }
      return { isDone: false, actions: [], error: message };
    }
  }

  private async finish(record: InstanceRecord, status: InstanceRecord["runtimeStatus"], output: string): Promise<void> {
    record.runtimeStatus = status;
    record.output = output;
    record.lastUpdatedTime = this.nowIso();
    await this.options.store.saveInstance(record);
    for (const [key, timer] of this.timers) {
      if (key.startsWith(`${record.instanceId}|`)) {
        if (timer.handle !== null) clearTimeout(timer.handle);
        this.timers.delete(key);
      }
    }
    if (record.parentInstanceId !== null && record.parentTaskId !== null) {
      const event: HistoryEvent =
        status === "Completed"
          ? {
              EventType: EventType.SubOrchestrationInstanceCompleted,
              EventId: -1,
              IsPlayed: false,
              Timestamp: this.nowIso(),
              TaskScheduledId: record.parentTaskId,
              Result: output,
            }
          : {
              EventType: EventType.SubOrchestrationInstanceFailed,
              EventId: -1,
              IsPlayed: false,
              Timestamp: this.nowIso(),
              TaskScheduledId: record.parentTaskId,
              Reason: `Sub-orchestration '${record.name}' ${status.toLowerCase()}: ${output}`,
              Details: "",
            };
      await this.deliver(record.parentInstanceId, event);
    }
  }

  // --- work ---

  private async dispatch(record: InstanceRecord, work: Work): Promise<void> {
    switch (work.kind) {
      case "activity":
        this.runActivity(record.instanceId, work.id, work.name, work.input);
        return;
      case "timer":
        this.startTimer(record.instanceId, work.id, work.fireAt);
        return;
      case "subOrchestration": {
        const existing = await this.options.store.getInstance(work.instanceId);
        if (existing === undefined || !isActiveStatus(existing.runtimeStatus)) {
          const input = typeof work.input === "string" ? safeJson(work.input) : work.input;
          await this.startNew(work.name, work.instanceId, input, { instanceId: record.instanceId, taskId: work.id });
        }
      }
    }
  }

  private runActivity(instanceId: string, taskId: number, name: string, rawInput: unknown): void {
    // The extension treats string action inputs as JSON text (the SDK stringifies string inputs).
    const input = typeof rawInput === "string" ? safeJson(rawInput) : rawInput;
    const run = async () => {
      const fn = this.activity(name);
      let event: HistoryEvent;
      try {
        if (fn === undefined)
          throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an activity function.`);
        const result = await invokeFunction(
          this.options.registry,
          fn,
          [{ name: triggerBindingName(fn, "activityTrigger"), data: { json: JSON.stringify(input ?? null) } }],
          this.options.log,
        );
        event = {
          EventType: EventType.TaskCompleted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: this.nowIso(),
          TaskScheduledId: taskId,
          Result: JSON.stringify(fromTypedData(result.returnValue) ?? null),
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        event = {
          EventType: EventType.TaskFailed,
          EventId: -1,
          IsPlayed: false,
          Timestamp: this.nowIso(),
          TaskScheduledId: taskId,
          Reason: `Activity function '${name}' failed: ${message}`,
          Details: error instanceof Error ? (error.stack ?? "").split("\n").slice(1, 4).join("\n") : "",
        };
      }
      if (!this.closed) await this.deliver(instanceId, event);
    };
    this.busy += 1;
    const start = () => {
      this.runningActivities += 1;
      void run()
        .catch((error: unknown) => this.options.log(`activity ${name}: ${String(error)}`))
        .finally(() => {
          this.runningActivities -= 1;
          this.busy -= 1;
          this.activityQueue.shift()?.();
          this.checkIdle();
        });
    };
    if (this.runningActivities < this.options.maxConcurrentActivities) start();
    else this.activityQueue.push(start);
  }

  private startTimer(instanceId: string, timerId: number, fireAt: string): void {
    const key = `${instanceId}|${timerId}`;
    if (this.timers.has(key)) return;
    const fire = () => {
      this.timers.delete(key);
      void this.deliver(instanceId, {
        EventType: EventType.TimerFired,
        EventId: -1,
        IsPlayed: false,
        Timestamp: this.nowIso(),
        TimerId: timerId,
        FireAt: fireAt,
      });
    };
    const due = Date.parse(fireAt);
    const entry = { fireAt: due, handle: null as NodeJS.Timeout | null, fire };
    if (this.options.timers === "real") entry.handle = setTimeout(fire, Math.max(0, due - this.now()));
    this.timers.set(key, entry);
    this.checkIdle();
  }

  /** Auto timers: when nothing is running, jump the virtual clock to the next due timer. */
  private checkIdle(): void {
    if (this.busy > 0 || this.queues.size > 0) return;
    if (this.options.timers === "auto" && this.timers.size > 0) {
      const nextTimer = [...this.timers.values()].sort((a, b) => a.fireAt - b.fireAt)[0];
      if (nextTimer !== undefined) {
        this.clockOffset = Math.max(this.clockOffset, nextTimer.fireAt - Date.now());
        setImmediate(() => {
          if ([...this.timers.values()].includes(nextTimer)) nextTimer.fire();
        });
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

  /** After a restart: re-dispatch work that history shows as started but not finished, then drain inboxes. */
  async resumeAll(): Promise<number> {
    let resumed = 0;
    for (const record of await this.options.store.listInstances()) {
      if (!isActiveStatus(record.runtimeStatus)) continue;
      resumed += 1;
      const history = await this.options.store.getHistory(record.instanceId);
      const inbox = (await this.options.store.getInbox(record.instanceId)).map((entry) => entry.event);
      const done = new Set(
        [...history, ...inbox]
          .filter(
            (e) =>
              e.EventType === EventType.TaskCompleted ||
              e.EventType === EventType.TaskFailed ||
              e.EventType === EventType.SubOrchestrationInstanceCompleted ||
              e.EventType === EventType.SubOrchestrationInstanceFailed,
          )
          .map((e) => e.TaskScheduledId),
      );
      const fired = new Set(
        [...history, ...inbox].filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId),
      );
      for (const event of history) {
        if (event.EventType === EventType.TaskScheduled && !done.has(event.EventId))
          this.runActivity(record.instanceId, event.EventId, event.Name ?? "", safeJson(event.Input ?? "null"));
        if (event.EventType === EventType.TimerCreated && !fired.has(event.EventId))
          this.startTimer(record.instanceId, event.EventId, event.FireAt ?? new Date().toISOString());
      }
      if (inbox.length > 0) this.schedule(record.instanceId);
    }
    return resumed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) if (timer.handle !== null) clearTimeout(timer.handle);
    this.timers.clear();
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
