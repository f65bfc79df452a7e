/**
 * A stand-in for `@azure/functions-core`, the module the real Node worker injects. Installing it before the app loads
 * lets `app.http`, `df.app.orchestration`, `df.app.activity` and `df.app.client.http` register exactly as in Azure.
 */
import Module from "node:module";

export interface BindingMetadata {
  type: string;
  direction: "in" | "out";
  route?: string;
  methods?: string[];
  authLevel?: string;
  [key: string]: unknown;
}

export interface RegisteredFunction {
  metadata: { name: string; bindings: Record<string, BindingMetadata> };
  callback: (...args: unknown[]) => unknown;
}

export interface ProgrammingModel {
  getInvocationModel(coreCtx: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], handler: RegisteredFunction["callback"]): Promise<unknown>;
    getResponse(
      context: unknown,
      result: unknown,
    ): Promise<{ returnValue?: Record<string, unknown>; outputData?: unknown[] }>;
  };
}

export interface FunctionRegistry {
  functions: Map<string, RegisteredFunction>;
  programmingModel: ProgrammingModel | undefined;
  hooks: Map<string, ((context: unknown) => unknown)[]>;
  log: (level: string, category: string, message: string) => void;
}

const registry: FunctionRegistry = {
  functions: new Map(),
  programmingModel: undefined,
  hooks: new Map(),
  log: () => undefined,
};

class Disposable {
  constructor(private readonly callback: () => void) {}
  dispose(): void {
    this.callback();
  }
}

const coreApi = {
  version: "3.10.1-local",
  hostVersion: "4.1040.0-local",
  setProgrammingModel: (model: ProgrammingModel) => {
    registry.programmingModel = model;
  },
  getProgrammingModel: () => registry.programmingModel,
  registerFunction: (metadata: RegisteredFunction["metadata"], callback: RegisteredFunction["callback"]) => {
    if (registry.functions.has(metadata.name))
      throw new Error(`A function named '${metadata.name}' is already registered`);
    registry.functions.set(metadata.name, { metadata, callback });
    return new Disposable(() => registry.functions.delete(metadata.name));
  },
  registerHook: (name: string, callback: (context: unknown) => unknown) => {
    const list = registry.hooks.get(name) ?? [];
    list.push(callback);
    registry.hooks.set(name, list);
    return new Disposable(() => list.splice(list.indexOf(callback), 1));
  },
  log: (level: string, category: string, message: string) => registry.log(level, category, message),
  Disposable,
};

let installed = false;

/** Must run before anything imports `@azure/functions`: that package decides once whether a runtime is present. */
export function installFunctionsCore(): FunctionRegistry {
  if (!installed) {
    const proto = Module.prototype as unknown as { require: (id: string) => unknown };
    const original = proto.require;
    proto.require = function require(this: unknown, id: string) {
      return id === "@azure/functions-core" ? coreApi : original.call(this, id);
    };
    installed = true;
  }
  return registry;
}
