/**
 * Drives an orchestrator generator with scripted activities, outside any host: each yielded task is answered at once,
 * timers move a virtual clock. Scripts are typed from the activity contract map, so a renamed activity or a changed
 * shape fails the test build. The real replay engine is exercised end to end through the local host.
 */
import type { OrchestrationContext } from "durable-functions";
import type { ActivityInput, ActivityName, ActivityOutput, ActivityResult } from "../../src/activities/contracts.js";
import { wholeSecondsDue } from "../../local/host/timers.js";

/** A scripted activity: returns its result, or throws what Durable would after transient retries ran out. */
export type ScriptedActivity<N extends ActivityName> = (
  input: ActivityInput<N>,
  call: number,
) => ActivityResult<ActivityOutput<N>>;
export type ActivityScript = { [N in ActivityName]?: ScriptedActivity<N> };

interface FakeTask {
  kind: "activity" | "timer" | "sub" | "all" | "any";
  /** Scheduled with a Durable retry policy. */
  retries?: boolean;
  name?: string;
  input?: unknown;
  fireAt?: Date;
  children?: FakeTask[];
  isCompleted: boolean;
  isFaulted: boolean;
  result?: unknown;
}

type Orchestrator = (context: OrchestrationContext) => Generator<unknown, unknown, unknown>;

export interface RunTrace<Output> {
  output: Output;
  calls: { name: string; input: any }[];
  timers: Date[];
  customStatuses: any[];
  elapsedMs: number;
}

/** A pattern the Durable extension cannot replay deterministically. */
class ReplayHazard extends Error {}

const task = (fields: Omit<FakeTask, "isCompleted" | "isFaulted">): FakeTask => ({
  ...fields,
  isCompleted: false,
  isFaulted: false,
});

/**
 * Timers as the extension's Azure Storage provider delivers them: the timer's message is sent when its episode ends,
 * `episodeMs` after the episode's time, hidden for the whole seconds left until FireAt, rounded down (so a 1 s timer
 * wakes the orchestration at once).
 */
export const azureStorageTimers =
  (episodeMs = 50) =>
  (now: Date, fireAt: Date): Date =>
    new Date(wholeSecondsDue(now.getTime() + episodeMs, fireAt.getTime()));

export function runOrchestrator<Output>(
  orchestrator: (context: OrchestrationContext) => Generator<unknown, Output, unknown>,
  input: unknown,
  activities: ActivityScript,
  subOrchestrators: Record<string, Orchestrator> = {},
  start = new Date("2026-01-01T00:00:00Z"),
  /** When a timer wakes the orchestration: at its FireAt by default; see `azureStorageTimers`. */
  wake: (now: Date, fireAt: Date) => Date = (now, fireAt) => (fireAt > now ? fireAt : now),
): RunTrace<Output> {
  const trace: RunTrace<Output> = {
    output: undefined as Output,
    calls: [],
    timers: [],
    customStatuses: [],
    elapsedMs: 0,
  };
  let now = start;
  const counts = new Map<string, number>();

  const contextFor = (orchestrationInput: unknown): OrchestrationContext => {
    const df = {
      get currentUtcDateTime() {
        return now;
      },
      isReplaying: false,
      instanceId: "test-instance",
      getInput: () => orchestrationInput,
      setCustomStatus: (status: unknown) => trace.customStatuses.push(JSON.parse(JSON.stringify(status))),
      callActivity: (name: string, activityInput: unknown) => task({ kind: "activity", name, input: activityInput }),
      callActivityWithRetry: (name: string, _retry: unknown, activityInput: unknown) =>
        task({ kind: "activity", name, input: activityInput, retries: true }),
      callSubOrchestrator: (name: string, subInput: unknown) => task({ kind: "sub", name, input: subInput }),
      createTimer: (fireAt: Date) => task({ kind: "timer", fireAt }),
      Task: {
        all: (children: FakeTask[]) => task({ kind: "all", children }),
        any: (children: FakeTask[]) => task({ kind: "any", children }),
      },
    };
    return { df } as unknown as OrchestrationContext;
  };

  const answer = (pending: FakeTask): unknown => {
    switch (pending.kind) {
      case "activity": {
        const name = pending.name ?? "";
        const handler = (activities as Record<string, ((input: unknown, call: number) => unknown) | undefined>)[name];
        if (handler === undefined) throw new Error(`no scripted activity '${name}'`);
        const call = (counts.get(name) ?? 0) + 1;
        counts.set(name, call);
        trace.calls.push({ name, input: pending.input });
        // Activities return JSON through Durable history; round-trip so tests see what the orchestrator would.
        const value = handler(pending.input, call);
        return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
      }
      case "timer": {
        const fireAt = pending.fireAt ?? now;
        trace.timers.push(fireAt);
        now = wake(now, fireAt);
        return undefined;
      }
      case "sub": {
        const sub = subOrchestrators[pending.name ?? ""];
        if (sub === undefined) throw new Error(`no sub-orchestrator '${pending.name ?? ""}'`);
        return drive(sub, pending.input);
      }
      case "all": {
        const children = pending.children ?? [];
        children.forEach(settle);
        const failed = children.find((child) => child.isFaulted);
        if (failed !== undefined) throw failed.result;
        return children.map((child) => child.result);
      }
      case "any": {
        // The first child in order wins, as if it finished first.
        const children = pending.children ?? [];
        if (children.some((child) => child.isCompleted)) {
          // durable-functions sends a compound's child actions again: those tasks would be scheduled twice.
          throw new ReplayHazard("Task.any over tasks that already ran schedules them a second time");
        }
        if (children.some((child) => child.retries === true)) {
          // The extension moves past a Task.any at its first completion; a sibling's later retry timer then takes the
          // sequence number replay gives to the next action: nondeterminism in Azure.
          throw new ReplayHazard("Task.any over a task with a retry policy is not replay-safe");
        }
        const winner = children[0];
        if (winner !== undefined) settle(winner);
        return winner;
      }
    }
  };

  function settle(pending: FakeTask): void {
    if (pending.isCompleted) return;
    try {
      pending.result = answer(pending);
    } catch (error) {
      // Orchestrator code that would break replay in Azure fails the test, never the task it yielded.
      if (error instanceof ReplayHazard) throw error;
      pending.result = error;
      pending.isFaulted = true;
    }
    pending.isCompleted = true;
  }

  const drive = (fn: Orchestrator, fnInput: unknown): unknown => {
    const generator = fn(contextFor(JSON.parse(JSON.stringify(fnInput))));
    let step = generator.next();
    while (!step.done) {
      const pending = step.value as FakeTask;
      settle(pending);
      step =
        pending.isFaulted && pending.kind !== "any" ? generator.throw(pending.result) : generator.next(pending.result);
    }
    return step.value;
  };

  trace.output = drive(orchestrator, input) as Output;
  trace.elapsedMs = now.getTime() - start.getTime();
  return trace;
}
