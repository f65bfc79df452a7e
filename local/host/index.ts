/**
 * A local stand-in for the Azure Functions host and its Durable extension, for machines without Core Tools: it loads
 * the app's registrations, serves its HTTP triggers, drives orchestrations through the real durable-functions replay
 * code, and answers the Durable HTTP API (behind the system key, as in Azure) so the unmodified DurableClient works.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { installFunctionsCore, type FunctionRegistry } from "./functionsCore.js";
import { startExtensionEngine, type ExtensionEngine } from "../durable-extension/bridge.js";
import { durableApi, managementUrls } from "./durableApi.js";
import { DurableEngine } from "./engine.js";
import { hostProblems, sendProblem } from "./hostProblems.js";
import { bodyLimitOf, httpTriggers, readBody, refuseLargeBody, sendJson } from "./httpTriggers.js";
import { keyMatches, newKey, unauthorizedBody } from "./keys.js";
import { loadApp, readHostJson, readLocalSettings, type HostJson } from "./loadApp.js";
import { notEmulatedWarnings } from "./notEmulated.js";
import { MemoryStore, TableStore, type InstanceStore } from "./store.js";

export interface LocalHostOptions {
  appRoot: string;
  port?: number;
  storage?: { kind: "memory" } | { kind: "azure-tables"; connectionString: string };
  env?: Record<string, string>;
  timers?: "real" | "auto";
  functionKey?: string;
  /** The key the Durable webhooks require (Azure: the durabletask_extension system key). */
  systemKey?: string;
  /** Opens every route, as the host's master key does. */
  masterKey?: string;
  /**
   * App Service authentication in front of the app's HTTP routes: the verdict on each request's headers. A client's own
   * `x-ms-client-principal` never gets through; a principal the front vouches for is added; a 401 stops the request.
   */
  easyAuth?: {
    authenticate(headers: IncomingHttpHeaders): EasyAuthVerdict;
    authPage?(url: URL): { status: number; headers: Record<string, string>; body: string } | null;
  };
  log?: (line: string) => void;
  /**
   * Which Durable engine runs the orchestrations: this host's own ("local", the default here), or the real Durable
   * extension in a .NET host ("extension"; needs `dotnet` and Azure Storage, i.e. Azurite).
   */
  engine?: DurableEngineKind;
}

export type DurableEngineKind = "local" | "extension";

export type EasyAuthVerdict = { status: 200; principal: string | null } | { status: 401; reason: string };

export interface LocalHost {
  baseUrl: string;
  engine: DurableEngineKind;
  functionKey: string;
  systemKey: string;
  masterKey: string;
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

let started = false;

let guarded = false;

/** A storage blip or a bug in a background task must not take the whole process (and, under `npm start`, the
 * simulator sharing it) down: log unhandled rejections instead of letting Node exit on them. */
function guardProcess(log: (line: string) => void): void {
  if (guarded) return;
  guarded = true;
  process.on("unhandledRejection", (reason) => {
    log(
      `unhandled rejection (kept running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
}

/** The host's port is taken: `npm start` says so in one line instead of a stack trace. */
export class PortInUseError extends Error {}

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  if (started) throw new Error("One local host per process: the Functions library binds to its host once, as in Azure");
  started = true;
  const log = options.log ?? (() => undefined);
  const registry = installFunctionsCore();
  registry.log = (level, category, message) => log(`${level} ${category}: ${message}`);
  Object.assign(process.env, readLocalSettings(options.appRoot), options.env ?? {});
  // Without a log the guard still reports: a swallowed rejection would hide the very failure it survived.
  guardProcess(options.log ?? ((line: string) => console.error(line)));
  const functionKey = options.functionKey ?? process.env.FUNCTIONS_KEY ?? newKey();
  const systemKey = options.systemKey ?? newKey();
  const masterKey = options.masterKey ?? newKey();
  const hostJson = readHostJson(options.appRoot, process.env);
  const bodyLimit = bodyLimitOf(process.env);

  // Requests that arrive while the app loads wait for it instead of hanging on a server with no handler.
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let onRequest: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;
  const server: Server = createServer((request, response) => {
    void ready.then(() => onRequest(request, response));
  });
  // Longer than clients keep idle sockets, so a pooled connection is never closed under a request about to reuse it
  // (Node's 5 s default resets busy clients such as the DurableClient's pool).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const wanted = options.port ?? 7071;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(`port ${wanted} on 127.0.0.1 is already in use: stop what holds it, or set PORT`)
          : error,
      ),
    );
    server.listen(wanted, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  // durable-functions rewrites management URLs to localhost:7071 unless the host name is known.
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;

  await loadApp(options.appRoot);
  const warn = options.log ?? ((line: string) => console.warn(line));
  for (const warning of notEmulatedWarnings(registry)) warn(`WARNING: ${warning}`);
  const webhookBase = `${baseUrl}/runtime/webhooks/durabletask`;
  const durable = await durableBackends[options.engine ?? "local"]({
    options,
    registry,
    hostJson,
    webhookBase,
    guard: { systemKey, masterKey, bodyLimit },
    log,
  });
  const handleTrigger = httpTriggers({
    registry,
    routePrefix: hostJson.routePrefix,
    functionKey,
    masterKey,
    clientData: durable.clientData,
    log,
    bodyLimit,
  });

  onRequest = (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const url = new URL(request.url ?? "/", baseUrl);
      try {
        // The Durable HTTP API answers its own paths as the extension does (conformance tests hold both to it).
        if (url.pathname.startsWith("/runtime/webhooks/durabletask/") || url.pathname.startsWith("/durabletask/")) {
          await durable.handle(request, response, url);
          return;
        }
        if (!isPlainPath(request.url ?? "/")) {
          sendProblem(response, hostProblems.badPath());
          return;
        }
        if (options.easyAuth !== undefined) {
          const page = options.easyAuth.authPage?.(url) ?? null;
          if (page !== null) {
            response.writeHead(page.status, {
              ...page.headers,
              "Content-Length": String(Buffer.byteLength(page.body)),
            });
            response.end(page.body);
            return;
          }
          const verdict = options.easyAuth.authenticate(request.headers);
          if (verdict.status === 401) {
            sendJson(response, 401, { title: "Unauthorized", status: 401, detail: verdict.reason });
            return;
          }
          delete request.headers["x-ms-client-principal"];
          if (verdict.principal !== null) request.headers["x-ms-client-principal"] = verdict.principal;
        }
        if (!(await handleTrigger(request, response, url))) sendProblem(response, hostProblems.notFound(url.pathname));
      } catch (error) {
        log(
          `${request.method ?? ""} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (!response.headersSent) sendProblem(response, hostProblems.invokeFailed());
        else response.end();
      }
    })();
  };
  markReady();

  return {
    baseUrl,
    functionKey,
    systemKey,
    masterKey,
    engine: options.engine ?? "local",
    whenIdle: () => durable.whenIdle(),
    close: async () => {
      await durable.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A path the host serves as written: no '..' or '.' segment (raw or percent-encoded), which URL parsing would quietly
 * resolve into another route, and percent-encoding that decodes.
 */
export function isPlainPath(rawUrl: string): boolean {
  const path = rawUrl.split("?")[0] ?? "";
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path)) return false;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** The keys and limit the Durable HTTP API is guarded by, as for the app's routes. */
interface DurableGuard {
  systemKey: string;
  masterKey: string;
  bodyLimit: number;
}

/** One Durable engine behind the host: the client binding data it hands out, its HTTP API, its lifetime. */
interface DurableBackend {
  clientData: unknown;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

/** What either engine is built from: the host's options, functions and host.json, its webhook URL and guard. */
interface DurableSetup {
  options: LocalHostOptions;
  registry: FunctionRegistry;
  hostJson: HostJson;
  webhookBase: string;
  guard: DurableGuard;
  log: (line: string) => void;
}

async function localDurable(setup: DurableSetup): Promise<DurableBackend> {
  const { options, registry, hostJson, webhookBase, log } = setup;
  const { systemKey, masterKey, bodyLimit } = setup.guard;
  const store: InstanceStore =
    options.storage?.kind === "azure-tables"
      ? new TableStore(options.storage.connectionString, hostJson.hubName)
      : new MemoryStore();
  await store.init();
  const engine = new DurableEngine({
    registry,
    store,
    maxConcurrentActivities: hostJson.maxConcurrentActivityFunctions,
    timers: options.timers ?? "real",
    log,
  });
  const resumed = await engine.resumeAll();
  if (resumed > 0) log(`resumed ${resumed} orchestration instance(s)`);
  const creation = `${webhookBase}/orchestrators/{functionName}[/{instanceId}]`;
  const code = `code=${encodeURIComponent(systemKey)}`;
  // The durableClient binding data, as the extension's DurableOrchestrationClientToString builds it: URLs carry the
  // system key, and requiredQueryStringParameters is "code=<systemKey>". No rpcBaseUrl: the extension's loopback RPC
  // listener takes no key, so the client is pointed at the keyed webhook URLs instead (localRpcEndpointEnabled=false).
  const clientData = {
    taskHubName: hostJson.hubName,
    creationUrls: {
      createNewInstancePostUri: `${creation}?${code}`,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
    },
    managementUrls: managementUrls(webhookBase, hostJson.hubName, systemKey, "INSTANCEID"),
    baseUrl: webhookBase,
    requiredQueryStringParameters: code,
  };
  const handleDurable = durableApi({ engine, webhookBase, hubName: hostJson.hubName, systemKey, masterKey });
  return {
    clientData,
    handle: async (request, response, url) => {
      const body = await readBody(request, bodyLimit);
      if (body === null) {
        refuseLargeBody(response, bodyLimit);
        return;
      }
      const result = await handleDurable(request.method ?? "GET", url, body, request.headers);
      sendJson(response, result.status, result.body, result.headers);
    },
    whenIdle: () => engine.whenIdle(),
    close: () => engine.close(),
  };
}

/**
 * The real extension behind the same URLs and keys: the system key (or master key) is checked here, as the Functions
 * host checks it before the extension sees a request, and the request goes on to the extension's own handler.
 */
async function extensionDurable(setup: DurableSetup): Promise<DurableBackend> {
  const { options, registry, hostJson, webhookBase, log } = setup;
  const { systemKey, masterKey, bodyLimit } = setup.guard;
  if (options.storage?.kind !== "azure-tables")
    throw new Error(
      "The Durable extension engine keeps its state in Azure Storage: give the host Azurite's connection",
    );
  const engine: ExtensionEngine = await startExtensionEngine({
    registry,
    hubName: hostJson.hubName,
    connectionString: options.storage.connectionString,
    webhookUrl: `${webhookBase}?code=${encodeURIComponent(systemKey)}`,
    maxConcurrentActivities: hostJson.maxConcurrentActivityFunctions,
    maxConcurrentOrchestrators: hostJson.maxConcurrentOrchestratorFunctions,
    storageProvider: hostJson.storageProvider,
    log,
  });
  return {
    clientData: engine.clientData,
    handle: async (request, response, url) => {
      const given = request.headers["x-functions-key"]?.toString() ?? url.searchParams.get("code");
      if (!keyMatches([systemKey, masterKey], given)) {
        sendJson(response, 401, unauthorizedBody("the Durable HTTP API takes the durabletask_extension system key"));
        return;
      }
      const path = url.pathname.startsWith("/durabletask/") ? `/runtime/webhooks${url.pathname}` : url.pathname;
      const body = await readBody(request, bodyLimit);
      if (body === null) {
        refuseLargeBody(response, bodyLimit);
        return;
      }
      const result = await engine.forward(request.method ?? "GET", path + url.search, request.headers, body);
      response.writeHead(result.status, result.headers);
      response.end(result.body);
    },
    whenIdle: () => engine.whenIdle(),
    close: () => engine.close(),
  };
}

const durableBackends: Record<DurableEngineKind, (setup: DurableSetup) => Promise<DurableBackend>> = {
  local: localDurable,
  extension: extensionDurable,
};
