/**
 * One orchestrator episode through the app's own handler (the durable-functions replay code), with the payload the
 * out-of-proc extension sends (schema V3 settings) and its answer decoded, failures included.
 */
import type { FunctionRegistry } from "./functionsCore.js";
import { findFunction, fromTypedData, invokeFunction, triggerBindingName } from "./invoke.js";
import type { Action } from "./protocol.js";
import type { HistoryEvent, InstanceRecord } from "./store.js";

export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export async function runOrchestrator(
  registry: FunctionRegistry,
  record: InstanceRecord,
  history: HistoryEvent[],
  log: (line: string) => void,
): Promise<OrchestratorState> {
  const fn = findFunction(registry, record.name, "orchestrationTrigger");
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
      registry,
      fn,
      [{ name: triggerBindingName(fn, "orchestrationTrigger"), data: { string: JSON.stringify(payload) } }],
      log,
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

/**
 * SetCustomStatus in the extension (MessagePayloadDataConverter): the JSON's UTF-16 size in whole KB, rounded down,
 * must not exceed 16, so up to 17,407 bytes pass.
 */
export function customStatusTooLarge(json: string): string | null {
  const kilobytes = Math.trunc((json.length * 2) / 1024);
  if (kilobytes <= 16) return null;
  return `The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is ${kilobytes} KB.`;
}
