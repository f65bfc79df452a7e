/**
 * After a restart (or a crash at any point), put every active instance back in motion from what storage holds:
 * re-run activities and re-arm timers history shows as started but not finished, create sub-orchestrations whose
 * creation was recorded but never happened (or re-send the result of a child that finished unheard), and re-deliver
 * ExecutionStarted to an instance whose record was written but whose start never reached its inbox.
 */
import { isActiveStatus } from "./instanceStatus.js";
import { isStaleEvent, isStaleHistory, startedEvent } from "./episode.js";
import { EventType, type Work } from "./replay.js";
import type { HistoryEvent, InstanceRecord, InstanceStore } from "./store.js";

export interface RecoveryHost {
  store: InstanceStore;
  log(line: string): void;
  deliver(instanceId: string, event: HistoryEvent): Promise<void>;
  schedule(instanceId: string): void;
  dispatch(record: InstanceRecord, work: Work): Promise<void>;
  notifyParent(child: InstanceRecord): Promise<void>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function resumeInstance(host: RecoveryHost, record: InstanceRecord): Promise<void> {
  const { store } = host;
  let history = await store.getHistory(record.instanceId);
  if (isStaleHistory(history, record.executionId)) {
    await store.clearHistory(record.instanceId);
    history = [];
  }
  const inbox = (await store.getInbox(record.instanceId))
    .map((entry) => entry.event)
    .filter((e) => !isStaleEvent(e, record.executionId));
  if (history.length === 0 && !inbox.some((e) => e.EventType === EventType.ExecutionStarted)) {
    host.log(`instance ${record.instanceId}: its start was never delivered; starting it now`);
    await host.deliver(record.instanceId, startedEvent(record, record.createdTime));
  }
  const both = [...history, ...inbox];
  const done = new Set(
    both
      .filter(
        (e) =>
          e.EventType === EventType.TaskCompleted ||
          e.EventType === EventType.TaskFailed ||
          e.EventType === EventType.SubOrchestrationInstanceCompleted ||
          e.EventType === EventType.SubOrchestrationInstanceFailed,
      )
      .map((e) => e.TaskScheduledId),
  );
  const fired = new Set(both.filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId));
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled && !done.has(event.EventId))
      await host.dispatch(record, {
        kind: "activity",
        id: event.EventId,
        name: event.Name ?? "",
        input: safeJson(event.Input ?? "null"),
      });
    if (event.EventType === EventType.TimerCreated && !fired.has(event.EventId))
      await host.dispatch(record, { kind: "timer", id: event.EventId, fireAt: event.FireAt ?? record.createdTime });
    if (event.EventType === EventType.SubOrchestrationInstanceCreated && !done.has(event.EventId))
      await resumeChild(host, record, event);
  }
  if (inbox.length > 0) host.schedule(record.instanceId);
}

async function resumeChild(host: RecoveryHost, parent: InstanceRecord, created: HistoryEvent): Promise<void> {
  const childId = created.InstanceId ?? "";
  const child = await host.store.getInstance(childId);
  const ours =
    child !== undefined &&
    child.parentInstanceId === parent.instanceId &&
    child.parentTaskId === created.EventId &&
    (child.parentExecutionId ?? parent.executionId) === parent.executionId;
  if (ours && isActiveStatus(child.runtimeStatus)) return;
  if (ours) {
    // The child finished but the process died before its result reached the parent.
    await host.notifyParent(child);
    return;
  }
  host.log(`instance ${parent.instanceId}: creating sub-orchestration ${childId}, recorded but never started`);
  await host.dispatch(parent, {
    kind: "subOrchestration",
    id: created.EventId,
    name: created.Name ?? "",
    input: safeJson(created.Input ?? "null"),
    instanceId: childId,
  });
}

export async function resumeAll(host: RecoveryHost): Promise<number> {
  let resumed = 0;
  for (const record of await host.store.listInstances()) {
    if (!isActiveStatus(record.runtimeStatus)) continue;
    resumed += 1;
    try {
      await resumeInstance(host, record);
    } catch (error) {
      host.log(`instance ${record.instanceId}: could not resume: ${String(error)}`);
    }
  }
  return resumed;
}
