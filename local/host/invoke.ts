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

export function triggerBindingName(fn: RegisteredFunction, type: string): string {
  const entry = Object.entries(fn.metadata.bindings).find(
    ([, binding]) => binding.type === type && binding.direction === "in",
  );
  if (entry === undefined) throw new Error(`${fn.metadata.name} has no ${type} binding`);
  return entry[0];
}
