/**
 * Drives an orchestrator generator with scripted activities, outside any host: each yielded task is answered at once,
 * timers move a virtual clock. Unit tests use it for the orchestrator's branches; the real replay engine is exercised
 * end to end through the local host.
 */
import type { OrchestrationContext } from "durable-functions";

type Pending =
  | { kind: "activity"; name: string; input: unknown }
  | { kind: "timer"; fireAt: Date }
  | { kind: "sub"; name: string; input: unknown }
  | { kind: "all"; tasks: Pending[] };

export type ActivityScript = Record<string, (input: any, call: number) => unknown>;
type Orchestrator = (context: OrchestrationContext) => Generator<unknown, unknown, unknown>;

export interface RunTrace {
  output: any;
  calls: { name: string; input: any }[];
  timers: Date[];
  customStatuses: any[];
  elapsedMs: number;
}

export function runOrchestrator(
  orchestrator: Orchestrator,
  input: unknown,
  activities: ActivityScript,
  subOrchestrators: Record<string, Orchestrator> = {},
  start = new Date("2026-01-01T00:00:00Z"),
): RunTrace {
  const trace: RunTrace = { output: undefined, calls: [], timers: [], customStatuses: [], elapsedMs: 0 };
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
      callActivity: (name: string, activityInput: unknown): Pending => ({
        kind: "activity",
        name,
        input: activityInput,
      }),
      callActivityWithRetry: (name: string, _retry: unknown, activityInput: unknown): Pending => ({
        kind: "activity",
        name,
        input: activityInput,
      }),
      callSubOrchestrator: (name: string, subInput: unknown): Pending => ({ kind: "sub", name, input: subInput }),
      createTimer: (fireAt: Date): Pending => ({ kind: "timer", fireAt }),
      Task: { all: (tasks: Pending[]): Pending => ({ kind: "all", tasks }) },
    };
    return { df } as unknown as OrchestrationContext;
  };

  const resolve = (task: Pending): unknown => {
    switch (task.kind) {
      case "activity": {
        const handler = activities[task.name];
        if (handler === undefined) throw new Error(`no scripted activity '${task.name}'`);
        const call = (counts.get(task.name) ?? 0) + 1;
        counts.set(task.name, call);
        trace.calls.push({ name: task.name, input: task.input });
        // Activities return JSON through Durable history; round-trip so tests see what the orchestrator would.
        const value = handler(task.input, call);
        return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
      }
      case "timer":
        trace.timers.push(task.fireAt);
        if (task.fireAt > now) now = task.fireAt;
        return undefined;
      case "sub": {
        const sub = subOrchestrators[task.name];
        if (sub === undefined) throw new Error(`no sub-orchestrator '${task.name}'`);
        return drive(sub, task.input);
      }
      case "all": {
        const results: unknown[] = [];
        let failure: unknown;
        for (const child of task.tasks) {
          try {
            results.push(resolve(child));
          } catch (error) {
            failure ??= error;
          }
        }
        if (failure !== undefined) throw failure;
        return results;
      }
    }
  };

  const drive = (fn: Orchestrator, fnInput: unknown): unknown => {
    const generator = fn(contextFor(JSON.parse(JSON.stringify(fnInput))));
    let step = generator.next();
    while (!step.done) {
      let value: unknown;
      try {
        value = resolve(step.value as Pending);
      } catch (error) {
        step = generator.throw(error);
        continue;
      }
      step = generator.next(value);
    }
    return step.value;
  };

  trace.output = drive(orchestrator, input);
  trace.elapsedMs = now.getTime() - start.getTime();
  return trace;
}
