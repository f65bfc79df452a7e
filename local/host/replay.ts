/**
 * What the Durable extension (DTFx + the out-of-proc shim) does with an orchestrator's actions: walk them in order,
 * give every scheduling call the next sequence number, resolve calls from history, and report the calls history has
 * not seen yet as new work. Continuations run synchronously while history events are replayed in order, so ids match
 * the ones the durable-functions SDK assigns (retry timers included), and a history scheduling event the replay has
 * not asked for by the time it is replayed is nondeterminism, as in DTFx's TaskOrchestrationContext.
 */
import { ActionType, EventType, type Action, type RetryOptions } from "./protocol.js";
import type { HistoryEvent } from "./store.js";

export { ActionType, EventType, type Action, type RetryOptions } from "./protocol.js";

export type Work =
  | { kind: "activity"; id: number; name: string; input: unknown }
  | { kind: "timer"; id: number; fireAt: string }
  | { kind: "subOrchestration"; id: number; name: string; input: unknown; instanceId: string };

export interface ReplayResult {
  newWork: Work[];
  nondeterminism: string | null;
  unsupported: string | null;
  /** Set when a retry policy gave up because retryTimeoutInMilliseconds passed (see the retry case below). */
  retryTimedOut: string | null;
}

// DTFx's default MaxRetryInterval is TimeSpan.MaxValue; the extension caps it at 6 days (int32 milliseconds).
const sixDaysMs = 6 * 24 * 3600 * 1000;
const completionEvents = new Set<number>([
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
  EventType.TimerFired,
]);
const schedulingEvents = new Set<number>([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
]);

type Work0 = Work extends infer W ? (W extends { id: number } ? Omit<W, "id"> : never) : never;

/** Function names are case-insensitive in the extension (FunctionName uses OrdinalIgnoreCase). */
export const sameName = (a: string | undefined, b: string | undefined) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

function describe(event: HistoryEvent): string {
  if (event.EventType === EventType.TimerCreated) return "a timer";
  const kind = event.EventType === EventType.TaskScheduled ? "an activity task" : "a sub-orchestration";
  return `${kind} named '${event.Name ?? ""}'`;
}

/** DTFx RetryInterceptor: delay before retry `attempt` (0-based), or 0 once retryTimeout has passed. */
function nextDelay(options: RetryOptions, attempt: number, firstAttempt: number, now: number): number {
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout > 0 && now >= firstAttempt + timeout) return 0;
  const delay = options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** attempt;
  return Math.min(delay, options.maxRetryIntervalInMilliseconds ?? sixDaysMs);
}

export function replayActions(actions: Action[], history: HistoryEvent[], executionId: string): ReplayResult {
  let sequence = 0;
  const scheduled = new Map<number, HistoryEvent>();
  for (const event of history) if (schedulingEvents.has(event.EventType)) scheduled.set(event.EventId, event);
  const requested = new Set<number>();
  const waiters = new Map<number, (event: HistoryEvent) => void>();
  const eventWaiters = new Map<string, (() => void)[]>();
  const bufferedEvents = new Map<string, number>();
  const newWork: Work[] = [];
  let nondeterminism: string | null = null;
  let unsupported: string | null = null;
  let retryTimedOut: string | null = null;
  // The orchestration's clock: the start of the episode whose events are being replayed (CurrentUtcDateTime).
  const firstStart = history.find((e) => e.EventType === EventType.OrchestratorStarted);
  let now = firstStart === undefined ? Date.now() : Date.parse(firstStart.Timestamp);

  const request = (work: Work0, onEvent: (event: HistoryEvent) => void) => {
    const id = sequence;
    sequence += 1;
    requested.add(id);
    const existing = scheduled.get(id);
    const expectedType =
      work.kind === "activity"
        ? EventType.TaskScheduled
        : work.kind === "timer"
          ? EventType.TimerCreated
          : EventType.SubOrchestrationInstanceCreated;
    if (existing === undefined) {
      newWork.push({ ...work, id });
    } else if (existing.EventType !== expectedType || ("name" in work && !sameName(existing.Name, work.name))) {
      nondeterminism ??= `Non-Deterministic workflow detected: a previous execution of this orchestration scheduled ${describe(existing)} with sequence number ${id}, but the current replay requests ${"name" in work ? `'${work.name}'` : "a timer"}. Was a change made to the orchestrator code after this instance had already started running?`;
    }
    waiters.set(id, onEvent);
  };

  const retrying = (action: Action, done: (failed: boolean) => void) => {
    const options = action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 1 };
    const firstAttempt = now;
    let attempt = 0;
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
        // DTFx (RetryInterceptor): after the last attempt a timer due *now* ("dummy timer for back-compat"), which
        // the SDK waits for before surfacing the failure; before that, the backoff delay.
        const last = attempt + 1 >= options.maxNumberOfAttempts;
        const delay = last ? 0 : nextDelay(options, attempt, firstAttempt, now);
        if (!last && delay === 0) {
          // retryTimeout passed: DTFx stops without a timer and the JS SDK, still waiting for one, never resumes
          // (durable-js #629). Reproduced so local runs hang where Azure hangs; the engine says why in its log.
          retryTimedOut ??= `retryTimeoutInMilliseconds (${options.retryTimeoutInMilliseconds ?? 0} ms) of '${action.functionName ?? ""}' passed after attempt ${attempt + 1}: as in Azure, no further retry timer is scheduled and the durable-functions SDK will not resume this orchestration`;
          return;
        }
        request({ kind: "timer", fireAt: new Date(now + delay).toISOString() }, () => {
          if (last) {
            done(true);
            return;
          }
          attempt += 1;
          once();
        });
      });
    };
    once();
  };

  const start = (action: Action, done: (failed: boolean) => void): void => {
    switch (action.actionType) {
      case ActionType.CallActivity:
        request({ kind: "activity", name: action.functionName ?? "", input: action.input }, (event) =>
          done(event.EventType === EventType.TaskFailed),
        );
        return;
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestratorWithRetry:
        retrying(action, done);
        return;
      case ActionType.CallSubOrchestrator: {
        const instanceId = action.instanceId ?? `${executionId}:${sequence}`;
        request(
          { kind: "subOrchestration", name: action.functionName ?? "", input: action.input, instanceId },
          (event) => done(event.EventType === EventType.SubOrchestrationInstanceFailed),
        );
        return;
      }
      case ActionType.CreateTimer:
        request({ kind: "timer", fireAt: action.fireAt ?? new Date(now).toISOString() }, () => done(false));
        return;
      case ActionType.WaitForExternalEvent: {
        // The SDK matches event names case-sensitively: buffered events first in, waiters last in.
        const name = action.externalEventName ?? "";
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
    if (event.EventType === EventType.OrchestratorStarted) {
      now = Date.parse(event.Timestamp);
    } else if (schedulingEvents.has(event.EventType)) {
      if (!requested.has(event.EventId))
        nondeterminism ??= `Non-Deterministic workflow detected: a previous execution of this orchestration scheduled ${describe(event)} with sequence number ${event.EventId}, but the current replay execution hasn't (yet?) scheduled this task. Was a change made to the orchestrator code after this instance had already started running?`;
    } else if (completionEvents.has(event.EventType)) {
      const id = event.EventType === EventType.TimerFired ? event.TimerId : event.TaskScheduledId;
      const waiter = id === undefined ? undefined : waiters.get(id);
      if (waiter !== undefined && id !== undefined) {
        waiters.delete(id);
        waiter(event);
      }
    } else if (event.EventType === EventType.EventRaised) {
      const name = event.Name ?? "";
      const waiting = eventWaiters.get(name) ?? [];
      const waiter = waiting.pop();
      if (waiter === undefined) bufferedEvents.set(name, (bufferedEvents.get(name) ?? 0) + 1);
      else waiter();
    }
  }
  return { newWork, nondeterminism, unsupported, retryTimedOut };
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
