import { describe, expect, it } from "vitest";
import { bridgedFunctions } from "../../local/durable-extension/bridge.js";
import type { FunctionRegistry, RegisteredFunction } from "../../local/host/functionsCore.js";

const fn = (name: string, ...types: string[]): [string, RegisteredFunction] => [
  name,
  {
    metadata: {
      name,
      bindings: Object.fromEntries(types.map((type, i) => [`b${i}`, { type, direction: i === 0 ? "in" : "out" }])),
    },
    callback: () => undefined,
  },
];

describe("the functions the .NET host makes proxies for", () => {
  it("are the app's orchestrations and activities, by their registered trigger, and nothing else", () => {
    const registry: FunctionRegistry = {
      functions: new Map([
        fn("provisionCluster", "orchestrationTrigger"),
        fn("createVnet", "activityTrigger"),
        fn("startProvisioning", "httpTrigger", "http", "durableClient"),
        fn("counter", "entityTrigger"),
        fn("nightly", "timerTrigger"),
      ]),
      programmingModel: undefined,
      hooks: new Map(),
      log: () => undefined,
    };
    expect(bridgedFunctions(registry)).toEqual([
      { name: "provisionCluster", kind: "orchestration" },
      { name: "createVnet", kind: "activity" },
    ]);
  });
});
