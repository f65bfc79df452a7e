/**
 * One orchestration episode, as the extension runs it: take the instance's pending events (dropping those of an
 * older execution and ones already recorded), replay the whole history plus the new events through the app's
 * orchestrator, check the result against history, commit the new history, then hand the new work to the engine.
 */
import type { FunctionRegistry } from "./functionsCore.js";
import { isActiveStatus, newExecutionId } from "./instanceStatus.js";
import { findFunction } from "./invoke.js";
import { customStatusTooLarge, runOrchestrator } from "./orchestratorInvoke.js";
import { ActionType, EventType, replayActions, schedulingEvent, type Work } from "./replay.js";
import type { HistoryEvent, InstanceRecord, InstanceStore } from "./store.js";

/** What an episode needs from the engine. */
export interface EpisodeHost {
  store: InstanceStore;
  registry: FunctionRegistry;
  log(line: string): void;
  now(): number;
  deliver(instanceId: string, event: HistoryEvent): Promise<void>;
  finish(record: InstanceRecord, status: InstanceRecord["runtimeStatus"], output: string): Promise<void>;
  dispatch(record: InstanceRecord, work: Work): Promise<void>;
  cancelTimers(instanceId: string, keepExecution?: string): void;
}

const completionTypes = new Set<number>([
  EventType.TimerFired,
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
]);
const completionKey = (e: HistoryEvent) => `${e.EventType}:${e.TimerId ?? e.TaskScheduledId ?? ""}`;

/** History left behind by an older execution (a crash inside continueAsNew, between the record and the clear). */
export function isStaleHistory(history: HistoryEvent[], executionId: string): boolean {
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  return started?.ExecutionId !== undefined && started.ExecutionId !== executionId;
}

/** An inbox event that belongs to another execution of the instance: DTFx "eats up" such messages. */
export const isStaleEvent = (event: HistoryEvent, executionId: string) =>
  event.ExecutionId !== undefined && event.ExecutionId !== executionId;

const event = (type: number, timestamp: string, fields: Partial<HistoryEvent> = {}): HistoryEvent => ({
  EventType: type,
  EventId: -1,
  IsPlayed: true,
  Timestamp: timestamp,
  ...fields,
});

export async function runEpisode(host: EpisodeHost, instanceId: string): Promise<void> {
  const { store } = host;
  const record = await store.getInstance(instanceId);
  const inbox = await store.getInbox(instanceId);
  if (record === undefined || !isActiveStatus(record.runtimeStatus)) {
    if (inbox.length > 0)
      await store.removeInbox(
        instanceId,
        inbox.map((entry) => entry.key),
      );
    return;
  }
  if (record.runtimeStatus === "Suspended" || inbox.length === 0) return;
  let past = await store.getHistory(instanceId);
  if (isStaleHistory(past, record.executionId)) {
    await store.clearHistory(instanceId);
    past = [];
  }
  // A crash between recording an episode and clearing its inbox leaves recorded events in the inbox: each history
  // event remembers the inbox entry it came from, and completions are also unique per task, so each lands once.
  const recorded = new Set(past.map((e) => e.InboxKey).filter((k) => k !== undefined));
  const seen = new Set(past.filter((e) => completionTypes.has(e.EventType)).map(completionKey));
  const freshEntries = inbox.filter(
    ({ key, event: e }) =>
      !recorded.has(key) &&
      !isStaleEvent(e, record.executionId) &&
      !(e.EventType === EventType.ExecutionStarted && past.length > 0) &&
      !(completionTypes.has(e.EventType) && seen.has(completionKey(e))),
  );
  const fresh = freshEntries.map(({ key, event: e }) => ({ ...e, InboxKey: key }));
  const startedNow = fresh.filter((e) => e.EventType === EventType.ExecutionStarted).slice(0, 1);
  const others = fresh.filter((e) => e.EventType !== EventType.ExecutionStarted);
  if (past.length === 0 && startedNow.length === 0) {
    // Nothing can run before ExecutionStarted (recovery re-delivers a lost one); keep the events, drop the stale.
    const dropped = inbox.filter((entry) => !freshEntries.includes(entry)).map((entry) => entry.key);
    if (dropped.length > 0) await store.removeInbox(instanceId, dropped);
    return;
  }
  const consumed = inbox.map((entry) => entry.key);
  if (fresh.length === 0) {
    await store.removeInbox(instanceId, consumed);
    return;
  }
  // The episode's time is when it runs, as on the extension: a timer woken before its FireAt (see timers.ts) shows.
  const timestamp = new Date(host.now()).toISOString();
  const newEvents: HistoryEvent[] = [
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: timestamp },
    ...[...startedNow, ...others].map((e) => ({ ...e, IsPlayed: false })),
  ];
  const replayHistory = [...past.map((e) => ({ ...e, IsPlayed: true })), ...newEvents];

  const state = await runOrchestrator(host.registry, record, replayHistory, (line) => host.log(line));
  const actions = state.actions[0] ?? [];
  const replay = replayActions(actions, replayHistory, record.executionId);
  if (replay.retryTimedOut !== null) host.log(`instance ${instanceId}: ${replay.retryTimedOut}`);
  const toAppend: HistoryEvent[] = newEvents.map((e) => ({ ...e, IsPlayed: true }));

  let statusFailure: string | null = null;
  if (state.customStatus !== undefined) {
    const json = JSON.stringify(state.customStatus);
    statusFailure = customStatusTooLarge(json);
    if (statusFailure === null) record.customStatus = json;
  }
  const orchestratorFailure = state.error ?? statusFailure ?? replay.unsupported;
  const missing = replay.newWork.find((work) =>
    work.kind === "activity"
      ? findFunction(host.registry, work.name, "activityTrigger") === undefined
      : work.kind === "subOrchestration"
        ? findFunction(host.registry, work.name, "orchestrationTrigger") === undefined
        : false,
  );
  const failure =
    replay.nondeterminism ??
    (orchestratorFailure === null ? null : `Orchestrator function '${record.name}' failed: ${orchestratorFailure}`) ??
    (missing !== undefined && "name" in missing
      ? `The function '${missing.name}' doesn't exist, is disabled, or is not an ${missing.kind === "activity" ? "activity" : "orchestrator"} function.`
      : null);

  if (failure !== null) {
    toAppend.push(
      event(EventType.OrchestratorCompleted, timestamp),
      event(EventType.ExecutionFailed, timestamp, { Reason: failure, Details: "" }),
    );
    await store.appendHistory(instanceId, past.length, toAppend);
    await store.removeInbox(instanceId, consumed);
    await host.finish(record, "Failed", JSON.stringify(failure));
    return;
  }

  toAppend.push(...replay.newWork.map((work) => schedulingEvent(work, timestamp)));
  toAppend.push(event(EventType.OrchestratorCompleted, timestamp));
  const continueAsNew = state.isDone ? actions.find((a) => a.actionType === ActionType.ContinueAsNew) : undefined;
  if (state.isDone && continueAsNew === undefined)
    toAppend.push(event(EventType.ExecutionCompleted, timestamp, { Result: JSON.stringify(state.output ?? null) }));
  await store.appendHistory(instanceId, past.length, toAppend);
  await store.removeInbox(instanceId, consumed);

  if (continueAsNew !== undefined) {
    // The record moves to the new execution first: if the process dies before the old history is cleared, the
    // next episode (or recovery) sees history of another execution and clears it instead of replaying it.
    const previousExecution = record.executionId;
    record.executionId = newExecutionId();
    record.input = JSON.stringify(continueAsNew.input ?? null);
    record.runtimeStatus = "Running";
    record.lastUpdatedTime = timestamp;
    await store.saveInstance(record);
    host.cancelTimers(instanceId, record.executionId);
    await store.clearHistory(instanceId);
    host.log(`instance ${instanceId}: continued as new (${previousExecution} -> ${record.executionId})`);
    await host.deliver(instanceId, startedEvent(record, timestamp));
    return;
  }
  if (state.isDone) {
    await host.finish(record, "Completed", JSON.stringify(state.output ?? null));
    return;
  }
  record.runtimeStatus = "Running";
  record.lastUpdatedTime = timestamp;
  await store.saveInstance(record);
  for (const work of replay.newWork) await host.dispatch(record, work);
}

export function startedEvent(record: InstanceRecord, timestamp: string): HistoryEvent {
  return {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    Name: record.name,
    Input: record.input,
    Version: "",
    ExecutionId: record.executionId,
  };
}
