/**
 * The real Durable extension as the engine of the local host: starts the .NET host (local/durable-extension) with the
 * app's orchestrations and activities, runs their handlers for it in this process, and forwards the Durable HTTP API
 * to the extension's own handler. The child stops gracefully when asked, and at once when this process dies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { FunctionRegistry } from "../host/functionsCore.js";
import { buildHost, hostDll } from "./dotnetHost.js";
import { startWorker } from "./worker.js";

export interface ExtensionEngineOptions {
  registry: FunctionRegistry;
  hubName: string;
  connectionString: string;
  /** The webhook URL the extension puts in its links, system key included (as the Functions host gives it). */
  webhookUrl: string;
  maxConcurrentActivities: number;
  maxConcurrentOrchestrators: number;
  /** Azure Storage provider settings (host.json's durableTask.storageProvider names and values). */
  storageProvider: Record<string, string>;
  log: (line: string) => void;
}

export interface ForwardedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface ExtensionEngine {
  /** The durableClient binding data the extension gives client functions. */
  clientData: unknown;
  forward(method: string, pathAndQuery: string, headers: IncomingHttpHeaders, body: Buffer): Promise<ForwardedResponse>;
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

/** The app's orchestrations and activities, by the trigger each registered with. */
export function bridgedFunctions(registry: FunctionRegistry): { name: string; kind: string }[] {
  const kinds: Record<string, string> = { orchestrationTrigger: "orchestration", activityTrigger: "activity" };
  return [...registry.functions.values()].flatMap((fn) => {
    const kind = Object.values(fn.metadata.bindings)
      .map((binding) => kinds[binding.type])
      .find((found) => found !== undefined);
    return kind === undefined ? [] : [{ name: fn.metadata.name, kind }];
  });
}

const readyPrefix = "DURABLE_BRIDGE_READY ";
// The extension's own structured event stream (written to stdout for App Service's log collector): too chatty to log.
const eventLogPrefix = "MS_DURABLE_FUNCTION_EVENTS_LOGS";

function waitForReady(child: ChildProcess, log: (line: string) => void, timeoutMs: number) {
  return new Promise<{ webhookPort: number; clientData: string }>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => reject(new Error(`the Durable extension host did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end).trimEnd();
        buffered = buffered.slice(end + 1);
        if (line.startsWith(readyPrefix)) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(readyPrefix.length)) as { webhookPort: number; clientData: string });
        } else if (line.length > 0 && !line.startsWith(eventLogPrefix)) log(`[durable-extension] ${line}`);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the Durable extension host exited before it was ready (${signal ?? `code ${code}`})`));
    });
  });
}

export async function startExtensionEngine(options: ExtensionEngineOptions): Promise<ExtensionEngine> {
  await buildHost(options.log);
  const worker = await startWorker(options.registry, options.log);
  const child = spawn("dotnet", [hostDll], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      FUNCTIONS_WORKER_RUNTIME: "node",
      AzureWebJobsStorage: options.connectionString,
      DURABLE_BRIDGE_FUNCTIONS: JSON.stringify(bridgedFunctions(options.registry)),
      DURABLE_BRIDGE_WORKER_URL: worker.url,
      DURABLE_BRIDGE_WORKER_TOKEN: worker.token,
      DURABLE_BRIDGE_WEBHOOK_URL: options.webhookUrl,
      DURABLE_BRIDGE_HUB_NAME: options.hubName,
      DURABLE_BRIDGE_MAX_ACTIVITIES: String(options.maxConcurrentActivities),
      DURABLE_BRIDGE_MAX_ORCHESTRATORS: String(options.maxConcurrentOrchestrators),
      DURABLE_BRIDGE_STORAGE_PROVIDER: JSON.stringify(options.storageProvider),
      DOTNET_CLI_TELEMETRY_OPTOUT: "1",
      DOTNET_NOLOGO: "1",
    },
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) if (line.trim().length > 0) options.log(`[durable-extension] ${line}`);
  });
  // A write to the pipe after the child died must not take this process down.
  child.stdin?.on("error", () => undefined);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let ready: { webhookPort: number; clientData: string };
  try {
    ready = await waitForReady(child, options.log, 120_000);
  } catch (error) {
    child.kill("SIGKILL");
    await worker.close();
    throw error;
  }

  const forward: ExtensionEngine["forward"] = (method, pathAndQuery, headers, body) =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: "127.0.0.1",
          port: ready.webhookPort,
          method,
          path: pathAndQuery,
          headers: { ...headers, host: headers.host ?? "127.0.0.1", "content-length": String(body.length) },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("end", () => {
            const forwarded = Object.fromEntries(
              Object.entries(incoming.headers).flatMap(([name, value]) =>
                value === undefined || ["transfer-encoding", "connection", "keep-alive"].includes(name)
                  ? []
                  : [[name, value]],
              ),
            ) as Record<string, string | string[]>;
            resolve({ status: incoming.statusCode ?? 502, headers: forwarded, body: Buffer.concat(chunks) });
          });
          incoming.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });

  return {
    clientData: JSON.parse(ready.clientData) as unknown,
    forward,
    whenIdle: () => worker.whenIdle(),
    close: async () => {
      child.stdin?.write("stop\n");
      const killer = setTimeout(() => child.kill("SIGKILL"), 25_000);
      await exited;
      clearTimeout(killer);
      await worker.close();
    },
  };
}
