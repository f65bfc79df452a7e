/** Small HTTP plumbing shared by the ARM, Entra, Kubernetes and control routes. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";

export interface SimRequest {
  method: string;
  /** Path with leading slashes collapsed (roleAssignments put `//subscriptions/...` on the wire) and no query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  rawBody: string;
  /** The body's bytes (Kubernetes protobuf bodies are not text). */
  rawBytes: Buffer;
  /** https://host:port as the client addressed us: async-operation URLs must point back here. */
  origin: string;
  params: string[];
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Send `body` as-is (a string or a Buffer) instead of JSON. */
  raw?: boolean;
  /** Take over the response (Kubernetes watch streams); status and body are then ignored. */
  stream?: (response: ServerResponse, request: IncomingMessage) => void;
}

export type Handler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export function route(method: string, pattern: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^${pattern}$`, "i"), handler };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

/** ARM's error envelope. */
export function armError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): SimResponse {
  return { status, body: { error: { code, message, ...extra } }, headers };
}

export async function readRequest(request: IncomingMessage): Promise<Omit<SimRequest, "params">> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const rawBytes = Buffer.concat(chunks);
  const rawBody = rawBytes.toString("utf8");
  let body: unknown = undefined;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
  }
  const host = request.headers.host ?? "localhost";
  const url = new URL(`https://${host}${(request.url ?? "/").replace(/^\/+/, "/")}`);
  return {
    method: (request.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: request.headers,
    body,
    rawBody,
    rawBytes,
    origin: `https://${host}`,
  };
}

export function send(response: ServerResponse, result: SimResponse, incoming?: IncomingMessage): void {
  if (result.stream !== undefined && incoming !== undefined) {
    result.stream(response, incoming);
    return;
  }
  const headers: Record<string, string> = {
    "x-ms-request-id": randomUUID(),
    "x-ms-correlation-request-id": randomUUID(),
    "Cache-Control": "no-cache",
    ...result.headers,
  };
  if (result.body === undefined) {
    response.writeHead(result.status, { ...headers, "Content-Length": "0" });
    response.end();
    return;
  }
  // Raw bodies go out as given: text, or bytes (protobuf) with the Content-Type the handler set.
  const payload: string | Buffer =
    result.raw === true && (typeof result.body === "string" || Buffer.isBuffer(result.body))
      ? result.body
      : JSON.stringify(result.body);
  response.writeHead(result.status, {
    "Content-Type": result.raw === true ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(payload)),
    ...headers,
  });
  response.end(payload);
}
