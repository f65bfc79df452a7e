/**
 * The app's HTTP triggers as the Functions host serves them: route templates under the host.json routePrefix,
 * method filtering (405), function keys for non-anonymous routes (the master key also accepted), and the request
 * handed to the function through the library's own invocation model with the durable client binding data.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FunctionRegistry, RegisteredFunction } from "./functionsCore.js";
import { invokeFunction, triggerBindingName } from "./invoke.js";
import { hostProblems, sendProblem } from "./hostProblems.js";
import { keyMatches, unauthorizedBody } from "./keys.js";

interface HttpRoute {
  fn: RegisteredFunction;
  methods: string[];
  authLevel: string;
  pattern: RegExp;
  names: string[];
}

export interface TriggerOptions {
  registry: FunctionRegistry;
  routePrefix: string;
  functionKey: string;
  masterKey: string;
  /** The durableClient binding data (what the extension hands a client function). */
  clientData: unknown;
  log: (line: string) => void;
  /** The largest request body accepted, in bytes. */
  bodyLimit: number;
}

/** Route templates as the Functions host reads them: {name}, {name?}, {name:constraint}, {*rest}. */
export function compileRoute(template: string): { pattern: RegExp; names: string[] } {
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

/** Azure's default for FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: 100 MB. */
export const defaultBodyLimit = 104_857_600;

/** The host's request body limit: the app setting Azure reads, else Azure's default. */
export function bodyLimitOf(env: Record<string, string | undefined> = process.env): number {
  const set = Number(env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT ?? "");
  return Number.isSafeInteger(set) && set > 0 ? set : defaultBodyLimit;
}

/**
 * The whole body, counting bytes as they arrive: null as soon as it passes `limit` (or says it will), so a huge body
 * is refused after `limit` bytes instead of being held whole first.
 */
export async function readBody(request: IncomingMessage, limit = defaultBodyLimit): Promise<Buffer | null> {
  const declared = Number(request.headers["content-length"] ?? "");
  if (Number.isSafeInteger(declared) && declared > limit) return null;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).byteLength;
    if (total > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** 413 and the connection closed: the rest of the body is never read. */
export function refuseLargeBody(response: ServerResponse, limit: number): void {
  // Connection: close makes Node discard what is still arriving and close the socket once the answer is out.
  sendProblem(response, hostProblems.bodyTooLarge(limit), {}, true);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  const type = status === 401 ? "application/problem+json" : "application/json; charset=utf-8";
  response.writeHead(status, {
    ...(body === undefined ? {} : { "Content-Type": type }),
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export function httpTriggers(options: TriggerOptions) {
  const routes: HttpRoute[] = [...options.registry.functions.values()].flatMap((fn) => {
    const trigger = Object.values(fn.metadata.bindings).find((binding) => binding.type === "httpTrigger");
    if (trigger === undefined) return [];
    const { pattern, names } = compileRoute(`${options.routePrefix}/${trigger.route ?? fn.metadata.name}`);
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

  // The extension serialises its client binding once per host, not per invocation.
  const clientBinding = { string: JSON.stringify(options.clientData) };

  /** Answers the request if a trigger's route matches it; false otherwise. */
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> => {
    const method = (request.method ?? "GET").toUpperCase();
    const matches = routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((m) => m.match !== null);
    if (matches.length === 0) return false;
    const hit = matches.find((m) => m.route.methods.includes(method));
    if (hit === undefined || hit.match === null) {
      const allowed = [...new Set(matches.flatMap((m) => m.route.methods))];
      sendProblem(response, hostProblems.methodNotAllowed(method, allowed), { Allow: allowed.join(", ") });
      return true;
    }
    const { route, match } = hit;
    const given = request.headers["x-functions-key"]?.toString() ?? url.searchParams.get("code");
    if (route.authLevel !== "anonymous" && !keyMatches([options.functionKey, options.masterKey], given)) {
      sendJson(response, 401, unauthorizedBody(`'${route.fn.metadata.name}' is a function-level route`));
      return true;
    }
    const params: Record<string, string> = {};
    for (const [i, name] of route.names.entries()) {
      const raw = match[i + 1];
      if (raw === undefined) continue;
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        sendProblem(response, hostProblems.badPath());
        return true;
      }
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    const body = await readBody(request, options.bodyLimit);
    if (body === null) {
      refuseLargeBody(response, options.bodyLimit);
      return true;
    }
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
        .map(([name]) => ({ name, data: clientBinding })),
    ];
    const result = await invokeFunction(options.registry, route.fn, inputData, options.log);
    const http = (result.returnValue?.http ?? {}) as {
      statusCode?: string;
      headers?: Record<string, string>;
      body?: { bytes?: Uint8Array; string?: string };
    };
    const payload =
      http.body?.bytes !== undefined
        ? Buffer.from(http.body.bytes.buffer, http.body.bytes.byteOffset, http.body.bytes.byteLength)
        : Buffer.from(http.body?.string ?? "");
    response.writeHead(Number(http.statusCode ?? 200), {
      ...(http.headers ?? {}),
      "Content-Length": String(payload.length),
    });
    response.end(payload);
    return true;
  };
}
