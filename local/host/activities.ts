/**
 * Runs activity functions with the host.json concurrency limit (maxConcurrentActivityFunctions) and turns their
 * outcome into the TaskCompleted / TaskFailed event the extension would record.
 */
import type { FunctionRegistry } from "./functionsCore.js";
import { activityResult, findFunction, invokeFunction, triggerBindingName } from "./invoke.js";
import { EventType } from "./protocol.js";
import type { HistoryEvent } from "./store.js";

export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly onBusyChange: (delta: number) => void,
  ) {}

  run(task: () => Promise<void>, onError: (error: unknown) => void): void {
    this.onBusyChange(1);
    const start = () => {
      this.running += 1;
      void task()
        .catch(onError)
        .finally(() => {
          this.running -= 1;
          this.waiting.shift()?.();
          this.onBusyChange(-1);
        });
    };
    if (this.running < this.limit) start();
    else this.waiting.push(start);
  }
}

export async function executeActivity(
  registry: FunctionRegistry,
  name: string,
  input: unknown,
  taskId: number,
  executionId: string,
  timestamp: () => string,
  log: (line: string) => void,
): Promise<HistoryEvent> {
  const fn = findFunction(registry, name, "activityTrigger");
  try {
    if (fn === undefined)
      throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an activity function.`);
    const result = await invokeFunction(
      registry,
      fn,
      [{ name: triggerBindingName(fn, "activityTrigger"), data: { json: JSON.stringify(input ?? null) } }],
      log,
    );
    return {
      EventType: EventType.TaskCompleted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: timestamp(),
      TaskScheduledId: taskId,
      ExecutionId: executionId,
      Result: JSON.stringify(activityResult(result.returnValue) ?? null),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      EventType: EventType.TaskFailed,
      EventId: -1,
      IsPlayed: false,
      Timestamp: timestamp(),
      TaskScheduledId: taskId,
      ExecutionId: executionId,
      Reason: `Activity function '${name}' failed: ${message}`,
      Details: error instanceof Error ? (error.stack ?? "").split("\n").slice(1, 4).join("\n") : "",
    };
  }
}
