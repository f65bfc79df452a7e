/**
 * History as the extension's status API shows it (DurableClient.GetDurableOrchestrationStatusAsync): event types by
 * name, orchestrator start/complete markers dropped, each completion merged with its scheduling event (FunctionName,
 * ScheduledTime), inputs removed, results only with showHistoryOutput and then as JSON rather than JSON text.
 */
import { EventType } from "./protocol.js";
import type { HistoryEvent } from "./store.js";

const typeNames = new Map<number, string>(Object.entries(EventType).map(([name, value]) => [value, name]));

function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  const trimmed = value.trim();
  if (trimmed.length === 0) return "";
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

export function formatHistory(history: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<string, { index: number; name: string | undefined; time: string }>();
  const dropped = new Set<number>();
  const items = history.map((event, index) => {
    const item: Record<string, unknown> = { ...event };
    delete item.ExecutionId;
    delete item.InboxKey;
    let type = event.EventType;
    // The local host records a failure as ExecutionFailed; DTFx records ExecutionCompleted with status Failed.
    if (type === EventType.ExecutionFailed) {
      type = EventType.ExecutionCompleted;
      item.Result = event.Reason ?? "";
      delete item.Reason;
      delete item.Details;
      item.OrchestrationStatus = "Failed";
    } else if (type === EventType.ExecutionCompleted) {
      item.OrchestrationStatus = "Completed";
    }
    item.EventType = typeNames.get(type) ?? String(type);
    const merge = (prefix: string, kind: "task" | "orchestration") => {
      const origin = scheduled.get(`${prefix}_${event.TaskScheduledId ?? ""}`);
      if (origin !== undefined) {
        item.ScheduledTime = origin.time;
        item.FunctionName = origin.name;
        dropped.add(origin.index);
      }
      delete item.TaskScheduledId;
      const completed =
        kind === "task" ? type === EventType.TaskCompleted : type === EventType.SubOrchestrationInstanceCompleted;
      if (completed) {
        if (showOutput) item.Result = parseJsonText(item.Result);
        else delete item.Result;
      }
    };
    switch (type) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${typeNames.get(type) ?? ""}_${event.EventId}`, {
          index,
          name: event.Name,
          time: event.Timestamp,
        });
        delete item.Version;
        delete item.Input;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        merge("TaskScheduled", "task");
        break;
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        merge("SubOrchestrationInstanceCreated", "orchestration");
        break;
      case EventType.ExecutionStarted:
        item.FunctionName = event.Name;
        delete item.Name;
        delete item.Version;
        delete item.Input;
        break;
      case EventType.ExecutionCompleted:
        if (showOutput) item.Result = parseJsonText(item.Result);
        else delete item.Result;
        break;
      case EventType.ExecutionTerminated:
      case EventType.EventRaised:
        delete item.Input;
        break;
      case EventType.TimerFired:
        delete item.TimerId;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        dropped.add(index);
        break;
    }
    delete item.EventId;
    delete item.IsPlayed;
    return item;
  });
  return items.filter((_, index) => !dropped.has(index));
}
