/**
 * What the Durable extension (DTFx + the out-of-proc shim) does with an orchestrator's actions: walk them in order,
 * give every scheduling call the next sequence number, resolve calls from history, and report the calls history has
 * not seen yet as new work. Continuations run synchronously while history events are replayed in order, so ids match
 * the ones the durable-functions SDK assigns (retry timers included).
 */
import type { HistoryEvent } from "./store.js";

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ContinueAsNew: 16,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
} as const;

export interface RetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptions;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: Action[];
}

export type Work =
  | { kind: "activity"; id: number; name: string; input: unknown }
  | { kind: "timer"; id: number; fireAt: string }
  | { kind: "subOrchestration"; id: number; name: string; input: unknown; instanceId: string };

export interface ReplayResult {
  newWork: Work[];
  nondeterminism: string | null;
  unsupported: string | null;
}

const sixDaysMs = 6 * 24 * 3600 * 1000;
const completionEvents = new Set<number>([
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
  EventType.TimerFired,
]);

type Work0 = Work extends infer W ? (W extends { id: number } ? Omit<W, "id"> : never) : never;

export function replayActions(actions: Action[], history: HistoryEvent[], executionId: string): ReplayResult {
  let sequence = 0;
  const scheduled = new Map<number, HistoryEvent>();
  for (const event of history) {
    if (
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.TimerCreated ||
      event.EventType === EventType.SubOrchestrationInstanceCreated
    ) {
      scheduled.set(event.EventId, event);
    }
  }
  const waiters = new Map<number, (event: HistoryEvent) => void>();
  const eventWaiters = new Map<string, (() => void)[]>();
  const bufferedEvents = new Map<string, number>();
  const newWork: Work[] = [];
  let nondeterminism: string | null = null;
  let unsupported: string | null = null;

  const request = (work: Work0, onEvent: (event: HistoryEvent) => void) => {
    const id = sequence;
    sequence += 1;
    const existing = scheduled.get(id);
    const expectedType =
      work.kind === "activity"
        ? EventType.TaskScheduled
        : work.kind === "timer"
          ? EventType.TimerCreated
          : EventType.SubOrchestrationInstanceCreated;
    if (existing === undefined) {
      newWork.push({ ...work, id });
    } else if (existing.EventType !== expectedType || ("name" in work && existing.Name !== work.name)) {
      nondeterminism ??= `Non-Deterministic workflow detected: a previous execution of this orchestration scheduled '${existing.Name ?? "a timer"}' (event ${existing.EventType}) with sequence number ${id}, but the current replay requests '${"name" in work ? work.name : "a timer"}'.`;
    }
    waiters.set(id, onEvent);
  };

  const start = (action: Action, done: (failed: boolean) => void): void => {
    switch (action.actionType) {
      case ActionType.CallActivity:
        request({ kind: "activity", name: action.functionName ?? "", input: action.input }, (event) =>
          done(event.EventType === EventType.TaskFailed),
        );
        return;
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestratorWithRetry: {
        const options = action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 1 };
        let attempt = 1;
        const once = () => {
          const work: Work0 =
            action.actionType === ActionType.CallActivityWithRetry
              ? { kind: "activity", name: action.functionName ?? "", input: action.input }
              : {
                  kind: "subOrchestration",
                  name: action.functionName ?? "",
                  input: action.input,
                  instanceId: action.instanceId ?? `${executionId}:${sequence}`,
                };
          request(work, (event) => {
            if (
              event.EventType === EventType.TaskCompleted ||
              event.EventType === EventType.SubOrchestrationInstanceCompleted
            ) {
              done(false);
              return;
            }
            // DTFx waits a retry timer after every failure, the last one included, before the failure surfaces.
            const delay = Math.min(
              options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (attempt - 1),
              options.maxRetryIntervalInMilliseconds ?? sixDaysMs,
            );
            request({ kind: "timer", fireAt: new Date(Date.parse(event.Timestamp) + delay).toISOString() }, () => {
              if (attempt >= options.maxNumberOfAttempts) {
                done(true);
                return;
              }
              attempt += 1;
              once();
            });
          });
        };
        once();
        return;
      }
      case ActionType.CallSubOrchestrator: {
        const instanceId = action.instanceId ?? `${executionId}:${sequence}`;
        request(
          { kind: "subOrchestration", name: action.functionName ?? "", input: action.input, instanceId },
          (event) => done(event.EventType === EventType.SubOrchestrationInstanceFailed),
        );
        return;
      }
      case ActionType.CreateTimer:
        request({ kind: "timer", fireAt: action.fireAt ?? new Date().toISOString() }, () => done(false));
        return;
      case ActionType.WaitForExternalEvent: {
        const name = (action.externalEventName ?? "").toLowerCase();
        const buffered = bufferedEvents.get(name) ?? 0;
        if (buffered > 0) {
          bufferedEvents.set(name, buffered - 1);
          done(false);
          return;
        }
        eventWaiters.set(name, [...(eventWaiters.get(name) ?? []), () => done(false)]);
        return;
      }
      case ActionType.WhenAll: {
        const children = action.compoundActions ?? [];
        let remaining = children.length;
        let failed = false;
        if (remaining === 0) done(false);
        // .NET Task.WhenAll: complete when every child has finished, even after an early failure.
        for (const child of children) {
          start(child, (childFailed) => {
            failed ||= childFailed;
            remaining -= 1;
            if (remaining === 0) done(failed);
          });
        }
        return;
      }
      case ActionType.WhenAny: {
        let finished = false;
        for (const child of action.compoundActions ?? []) {
          start(child, (childFailed) => {
            if (!finished) {
              finished = true;
              done(childFailed);
            }
          });
        }
        return;
      }
      case ActionType.ContinueAsNew:
        return;
      default:
        unsupported ??= `action type ${action.actionType} (entities, callHttp) is not supported by the local host`;
    }
  };

  let index = 0;
  // The shim awaits each top-level action before starting the next one.
  const next = (): void => {
    const action = actions[index];
    if (action === undefined) return;
    index += 1;
    start(action, () => next());
  };
  next();

  for (const event of history) {
    if (completionEvents.has(event.EventType)) {
      const id = event.EventType === EventType.TimerFired ? event.TimerId : event.TaskScheduledId;
      const waiter = id === undefined ? undefined : waiters.get(id);
      if (waiter !== undefined && id !== undefined) {
        waiters.delete(id);
        waiter(event);
      }
    } else if (event.EventType === EventType.EventRaised) {
      const name = (event.Name ?? "").toLowerCase();
      const waiting = eventWaiters.get(name) ?? [];
      const waiter = waiting.shift();
      if (waiter === undefined) bufferedEvents.set(name, (bufferedEvents.get(name) ?? 0) + 1);
      else waiter();
    }
  }
  return { newWork, nondeterminism, unsupported };
}

export function schedulingEvent(work: Work, timestamp: string): HistoryEvent {
  switch (work.kind) {
    case "activity":
      return {
        EventType: EventType.TaskScheduled,
        EventId: work.id,
        IsPlayed: true,
        Timestamp: timestamp,
        Name: work.name,
        Input: JSON.stringify(work.input ?? null),
      };
    case "timer":
      return {
        EventType: EventType.TimerCreated,
        EventId: work.id,
        IsPlayed: true,
        Timestamp: timestamp,
        FireAt: work.fireAt,
      };
    case "subOrchestration":
      return {
        EventType: EventType.SubOrchestrationInstanceCreated,
        EventId: work.id,
        IsPlayed: true,
        Timestamp: timestamp,
        Name: work.name,
        InstanceId: work.instanceId,
        Input: JSON.stringify(work.input ?? null),
      };
  }
}
