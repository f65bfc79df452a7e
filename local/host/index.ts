/**
 * A local stand-in for the Azure Functions host and its Durable extension, for machines without Core Tools: it loads
 * the app's registrations, serves its HTTP triggers, drives orchestrations through the real durable-functions replay
 * code, and answers the Durable HTTP API so the unmodified DurableClient works.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { installFunctionsCore, type RegisteredFunction } from "./functionsCore.js";
import { durableApi } from "./durableApi.js";
import { DurableEngine } from "./engine.js";
import { invokeFunction, triggerBindingName } from "./invoke.js";
import { loadApp, readHostJson, readLocalSettings } from "./loadApp.js";
import { MemoryStore, TableStore, type InstanceStore } from "./store.js";

export interface LocalHostOptions {
  appRoot: string;
  port?: number;
  storage?: { kind: "memory" } | { kind: "azure-tables"; connectionString: string };
  env?: Record<string, string>;
  timers?: "real" | "auto";
  functionKey?: string;
  log?: (line: string) => void;
}

export interface LocalHost {
  baseUrl: string;
  functionKey: string;
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

interface HttpRoute {
  fn: RegisteredFunction;
  methods: string[];
  authLevel: string;
  pattern: RegExp;
  names: string[];
}

let started = false;

/** Route templates as the Functions host reads them: {name}, {name?}, {name:constraint}, {*rest}. */
function compileRoute(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const escape = (text: string) => text.replace(/[.*+^$()|[\]\\?]/g, "\\$&");
  const segments = template
    .split("/")
    .filter((part) => part.length > 0)
    .map((segment) => {
      const whole = /^\{(\*?)([A-Za-z0-9_]+)(?::[^}?]*)?(\??)\}$/.exec(segment);
      if (whole !== null) {
        names.push(whole[2] ?? "");
        if (whole[1] === "*") return "(?:/(.*))?";
        return whole[3] === "?" ? "(?:/([^/]*))?" : "/([^/]+)";
      }
      return `/${escape(segment)}`;
    });
  return { pattern: new RegExp(`^${segments.join("")}/?$`, "i"), names };
}

function keyMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  if (started) throw new Error("One local host per process: the Functions library binds to its host once, as in Azure");
  started = true;
  const log = options.log ?? (() => undefined);
  const registry = installFunctionsCore();
  registry.log = (level, category, message) => log(`${level} ${category}: ${message}`);
  Object.assign(process.env, readLocalSettings(options.appRoot), options.env ?? {});
  const functionKey = options.functionKey ?? process.env.FUNCTIONS_KEY ?? randomBytes(24).toString("base64url");
  const hostJson = readHostJson(options.appRoot, process.env);

  // Requests that arrive while the app loads wait for it instead of hanging on a server with no handler.
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let onRequest: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;
  const server: Server = createServer((request, response) => {
    void ready.then(() => onRequest(request, response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 7071, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  // durable-functions rewrites management URLs to localhost:7071 unless the host name is known.
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;

  await loadApp(options.appRoot);
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

  const routes: HttpRoute[] = [...registry.functions.values()].flatMap((fn) => {
    const trigger = Object.values(fn.metadata.bindings).find((binding) => binding.type === "httpTrigger");
    if (trigger === undefined) return [];
    const { pattern, names } = compileRoute(`${hostJson.routePrefix}/${trigger.route ?? fn.metadata.name}`);
    return [
      {
        fn,
        methods: (trigger.methods ?? ["GET", "POST"]).map((m) => m.toUpperCase()),
        authLevel: String(trigger.authLevel ?? "function").toLowerCase(),
        pattern,
        names,
      },
    ];
  });

  const webhookBase = `${baseUrl}/runtime/webhooks/durabletask`;
  const clientData = {
    taskHubName: hostJson.hubName,
    creationUrls: {
      createNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]`,
      createAndWaitOnNewInstancePostUri: `${webhookBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
    },
    managementUrls: {
      id: "INSTANCEID",
      statusQueryGetUri: `${webhookBase}/instances/INSTANCEID?taskHub=${hostJson.hubName}&connection=Storage`,
      sendEventPostUri: `${webhookBase}/instances/INSTANCEID/raiseEvent/{eventName}?taskHub=${hostJson.hubName}&connection=Storage`,
      terminatePostUri: `${webhookBase}/instances/INSTANCEID/terminate?reason={text}&taskHub=${hostJson.hubName}&connection=Storage`,
      rewindPostUri: `${webhookBase}/instances/INSTANCEID/rewind?reason={text}&taskHub=${hostJson.hubName}&connection=Storage`,
      purgeHistoryDeleteUri: `${webhookBase}/instances/INSTANCEID?taskHub=${hostJson.hubName}&connection=Storage`,
      restartPostUri: `${webhookBase}/instances/INSTANCEID/restart?taskHub=${hostJson.hubName}&connection=Storage`,
      suspendPostUri: `${webhookBase}/instances/INSTANCEID/suspend?reason={text}&taskHub=${hostJson.hubName}&connection=Storage`,
      resumePostUri: `${webhookBase}/instances/INSTANCEID/resume?reason={text}&taskHub=${hostJson.hubName}&connection=Storage`,
    },
    baseUrl: webhookBase,
    requiredQueryStringParameters: "",
    rpcBaseUrl: `${baseUrl}/durabletask/`,
    httpBaseUrl: webhookBase,
  };
  const handleDurable = durableApi(engine, webhookBase, hostJson.hubName);

  const handleTrigger = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> => {
    const method = (request.method ?? "GET").toUpperCase();
    const matches = routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((m) => m.match !== null);
    if (matches.length === 0) return false;
    const hit = matches.find((m) => m.route.methods.includes(method));
    if (hit === undefined || hit.match === null) {
      sendJson(response, 405, undefined, { Allow: [...new Set(matches.flatMap((m) => m.route.methods))].join(", ") });
      return true;
    }
    const { route, match } = hit;
    if (
      route.authLevel !== "anonymous" &&
      !keyMatches(functionKey, request.headers["x-functions-key"]?.toString() ?? url.searchParams.get("code"))
    ) {
      sendJson(response, 401, undefined);
      return true;
    }
    const params = Object.fromEntries(
      route.names.flatMap((name, i) =>
        match[i + 1] === undefined ? [] : [[name, decodeURIComponent(match[i + 1] ?? "")]],
      ),
    );
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    const body = await readBody(request);
    const inputData = [
      {
        name: triggerBindingName(route.fn, "httpTrigger"),
        data: {
          http: {
            method,
            url: url.toString(),
            headers,
            query: Object.fromEntries(url.searchParams),
            params,
            body: { bytes: body },
          },
        },
      },
      ...Object.entries(route.fn.metadata.bindings)
        .filter(([, binding]) => binding.type === "durableClient" || binding.type === "orchestrationClient")
        .map(([name]) => ({ name, data: { string: JSON.stringify(clientData) } })),
    ];
    const result = await invokeFunction(registry, route.fn, inputData, log);
    const http = (result.returnValue?.http ?? {}) as {
      statusCode?: string;
      headers?: Record<string, string>;
      body?: { bytes?: Uint8Array; string?: string };
    };
    const payload =
      http.body?.bytes !== undefined ? Buffer.from(http.body.bytes) : Buffer.from(http.body?.string ?? "");
    response.writeHead(Number(http.statusCode ?? 200), {
      ...(http.headers ?? {}),
      "Content-Length": String(payload.length),
    });
    response.end(payload);
    return true;
  };

  onRequest = (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const url = new URL(request.url ?? "/", baseUrl);
      try {
        if (url.pathname.startsWith("/runtime/webhooks/durabletask/") || url.pathname.startsWith("/durabletask/")) {
          const result = await handleDurable(request.method ?? "GET", url, await readBody(request), request.headers);
          sendJson(response, result.status, result.body, result.headers);
          return;
        }
        if (!(await handleTrigger(request, response, url))) sendJson(response, 404, undefined);
      } catch (error) {
        log(
          `${request.method ?? ""} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (!response.headersSent) sendJson(response, 500, { error: "the host failed to invoke the function" });
        else response.end();
      }
    })();
  };
  markReady();

  return {
    baseUrl,
    functionKey,
    whenIdle: () => engine.whenIdle(),
    close: async () => {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
