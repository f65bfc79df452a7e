/**
 * The Node end of the bridge: a loopback server the .NET host calls for each orchestrator episode and activity,
 * running the app's handlers through the real @azure/functions invocation model, as the Node worker does. A handler
 * that throws answers `ok: false` with its message and stack, which the .NET side raises in the host's error shape.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FunctionRegistry } from "../host/functionsCore.js";
import { readBody } from "../host/httpTriggers.js";
import { activityResult, findFunction, fromTypedData, invokeFunction, triggerBindingName } from "../host/invoke.js";

export type WorkerReply = { ok: true; result: string } | { ok: false; message: string; stack: string };

export interface Worker {
  url: string;
  token: string;
  /** Resolves when no episode or activity is running. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

const triggers = { orchestration: "orchestrationTrigger", activity: "activityTrigger" } as const;
type Kind = keyof typeof triggers;

/** The value a handler's invocation answers with, as JSON text for the extension. */
async function invoke(
  registry: FunctionRegistry,
  kind: Kind,
  name: string,
  payload: string | null,
  log: (line: string) => void,
) {
  const fn = findFunction(registry, name, triggers[kind]);
  if (fn === undefined) throw new Error(`The function '${name}' is not a registered ${kind} function.`);
  // Both triggers reach a JavaScript handler as a string: the orchestration context as JSON, an activity's input as
  // the extension passes it (objects as JSON, primitives bare), which the library parses when it can.
  const data = payload === null ? { json: "null" } : { string: payload };
  const input = [{ name: triggerBindingName(fn, triggers[kind]), data }];
  const result = await invokeFunction(registry, fn, input, log);
  const value = kind === "activity" ? activityResult(result.returnValue) : fromTypedData(result.returnValue);
  return JSON.stringify(value ?? null);
}

export async function startWorker(registry: FunctionRegistry, log: (line: string) => void): Promise<Worker> {
  const token = randomBytes(24).toString("base64url");
  let running = 0;
  let idle: (() => void)[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const match = /^\/(orchestration|activity)\/([^/]+)$/.exec(request.url ?? "");
      if (request.method !== "POST" || match === null || request.headers["x-bridge-token"] !== token) {
        response.writeHead(404).end();
        return;
      }
      running += 1;
      let reply: WorkerReply;
      try {
        // The extension's own payloads (whole histories), not a client's: no limit.
        const body = (await readBody(request, Number.POSITIVE_INFINITY)) ?? Buffer.alloc(0);
        const { payload } = JSON.parse(body.toString("utf8")) as { payload: string | null };
        const result = await invoke(registry, match[1] as Kind, decodeURIComponent(match[2] ?? ""), payload, log);
        reply = { ok: true, result };
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        reply = { ok: false, message: failure.message, stack: failure.stack ?? "" };
      } finally {
        running -= 1;
      }
      const text = JSON.stringify(reply);
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      response.end(text);
      if (running === 0) {
        const waiting = idle;
        idle = [];
        for (const resolve of waiting) resolve();
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    whenIdle: () => (running === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve))),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
