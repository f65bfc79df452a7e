/**
 * What the host itself answers before (or instead of) the app: every refusal as RFC 9457 problem+json with a stable
 * code, as the app answers its own, so a client parses one error shape whichever layer refused.
 */
import type { ServerResponse } from "node:http";

export interface HostProblem {
  status: number;
  title: string;
  detail: string;
  code: string;
}

/** The host's refusals, one stable code each. */
export const hostProblems = {
  notFound: (path: string): HostProblem => ({
    status: 404,
    title: "Not Found",
    detail: `No function answers ${path}.`,
    code: "route-not-found",
  }),
  methodNotAllowed: (method: string, allowed: string[]): HostProblem => ({
    status: 405,
    title: "Method Not Allowed",
    detail: `${method} is not allowed here; allowed: ${allowed.join(", ")}.`,
    code: "method-not-allowed",
  }),
  badPath: (): HostProblem => ({
    status: 400,
    title: "Bad Request",
    detail: "The request path is not valid: '..' segments and malformed percent-encoding are refused.",
    code: "invalid-path",
  }),
  bodyTooLarge: (limit: number): HostProblem => ({
    status: 413,
    title: "Payload Too Large",
    detail: `The request body is over ${limit} bytes, the host's limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).`,
    code: "body-too-large",
  }),
  invokeFailed: (): HostProblem => ({
    status: 500,
    title: "Internal Server Error",
    detail: "The host failed to invoke the function.",
    code: "host-error",
  }),
} as const;

/** Writes the problem; `close` ends the connection too (the rest of an unread body is not worth reading). */
export function sendProblem(
  response: ServerResponse,
  problem: HostProblem,
  headers: Record<string, string> = {},
  close = false,
): void {
  const text = JSON.stringify({
    // The host is not the app: its problems have no type of their own, as RFC 9457 allows.
    type: "about:blank",
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    errors: [{ path: "", code: problem.code, message: problem.detail }],
  });
  response.writeHead(problem.status, {
    "Content-Type": "application/problem+json",
    "Content-Length": String(Buffer.byteLength(text)),
    ...(close ? { Connection: "close" } : {}),
    ...headers,
  });
  response.end(text);
}
