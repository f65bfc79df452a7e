/**
 * What an app registers that this host does not emulate, found at startup so it is a clear warning rather than a
 * silent no-op: triggers other than HTTP / orchestration / activity (entities included), input bindings other than
 * the durable client, output bindings other than the HTTP response, and lifecycle hooks. Calls that only show up at
 * run time (callHttp, entity calls) fail the orchestration with a message naming them.
 */
import type { FunctionRegistry } from "./functionsCore.js";

const emulatedTriggers = new Set(["httpTrigger", "orchestrationTrigger", "activityTrigger"]);
const emulatedInputs = new Set(["durableClient", "orchestrationClient"]);
const emulatedOutputs = new Set(["http"]);

export function notEmulatedWarnings(registry: FunctionRegistry): string[] {
  const warnings: string[] = [];
  for (const fn of registry.functions.values()) {
    const name = fn.metadata.name;
    for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
      const type = binding.type;
      if (type.endsWith("Trigger")) {
        if (!emulatedTriggers.has(type))
          warnings.push(`function '${name}': trigger '${type}' is not emulated by the local host; it will never run`);
      } else if (binding.direction === "in" && !emulatedInputs.has(type)) {
        warnings.push(
          `function '${name}': input binding '${bindingName}' (${type}) is not emulated; it receives nothing`,
        );
      } else if (binding.direction === "out" && !emulatedOutputs.has(type)) {
        warnings.push(
          `function '${name}': output binding '${bindingName}' (${type}) is not emulated; its writes are dropped`,
        );
      }
    }
  }
  for (const [hook, callbacks] of registry.hooks)
    if (callbacks.length > 0) warnings.push(`app hook '${hook}' is registered but the local host does not run hooks`);
  return warnings;
}
