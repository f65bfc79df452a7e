/** Invokes a registered function through the library's own InvocationModel, as the worker does. */
import { randomUUID } from "node:crypto";
import type { FunctionRegistry, RegisteredFunction } from "./functionsCore.js";

export type TypedData = Record<string, unknown>;

export interface InvocationResult {
  returnValue: TypedData | undefined;
}

export async function invokeFunction(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  inputData: { name: string; data: TypedData }[],
  log: (line: string) => void,
): Promise<InvocationResult> {
  const model = registry.programmingModel;
  if (model === undefined) throw new Error("The app registered no programming model (did it import @azure/functions?)");
  const invocationId = randomUUID();
  const coreCtx = {
    invocationId,
    metadata: fn.metadata,
    request: { invocationId, functionId: fn.metadata.name, inputData, triggerMetadata: {} },
    log: (level: string, _category: string, message: string) => log(`[${fn.metadata.name}] ${level}: ${message}`),
    state: undefined,
  };
  const invocation = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  const result = await invocation.invokeFunction(context, inputs, fn.callback);
  const response = await invocation.getResponse(context, result);
  return { returnValue: response.returnValue };
}

export function fromTypedData(data: TypedData | undefined): unknown {
  if (data === undefined || data === null) return undefined;
  if (typeof data.json === "string") return JSON.parse(data.json);
  if (typeof data.string === "string") {
    try {
      return JSON.parse(data.string);
    } catch {
      return data.string;
    }
  }
  if (data.int !== undefined) return Number(data.int);
  if (data.double !== undefined) return Number(data.double);
  if (data.bytes !== undefined) return Buffer.from(data.bytes as Uint8Array);
  return undefined;
}

/** A string an activity returns stays a string: the extension stores it as a JSON string, never re-parses it. */
export function activityResult(data: TypedData | undefined): unknown {
  if (data !== undefined && data !== null && typeof data.string === "string") return data.string;
  return fromTypedData(data);
}

/** The function of that name with that trigger; names are case-insensitive, as the extension's FunctionName is. */
export function findFunction(
  registry: FunctionRegistry,
  name: string,
  triggerType: string,
): RegisteredFunction | undefined {
  const wanted = name.toLowerCase();
  for (const fn of registry.functions.values()) {
    if (fn.metadata.name.toLowerCase() !== wanted) continue;
    return Object.values(fn.metadata.bindings).some((b) => b.type === triggerType) ? fn : undefined;
  }
  return undefined;
}

export function triggerBindingName(fn: RegisteredFunction, type: string): string {
  const entry = Object.entries(fn.metadata.bindings).find(
    ([, binding]) => binding.type === type && binding.direction === "in",
  );
  if (entry === undefined) throw new Error(`${fn.metadata.name} has no ${type} binding`);
  return entry[0];
}
