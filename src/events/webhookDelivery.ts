/**
 * One POST of an event to a webhook. The host name is resolved here, every address is checked against the target
 * rules, and the connection goes to the address that was checked (no second lookup a rebinding DNS server could
 * answer differently).
 */
import { lookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { addressProblem, type TargetRules } from "./notifyTarget.js";

export type WebhookAttempt =
  | { kind: "delivered"; httpStatus: number }
  /** The receiver refused for good (a 4xx other than 408/429), or the target is not allowed: never retried. */
  | { kind: "rejected"; httpStatus: number | null; detail: string }
  /** Worth another try later: 5xx, 408, 429, connection or DNS failure, timeout. */
  | { kind: "retry"; httpStatus: number | null; detail: string };

export function classifyStatus(status: number): WebhookAttempt["kind"] {
  if (status >= 200 && status < 300) return "delivered";
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return "rejected";
  return "retry";
}

/** Every address a host name resolves to (the system resolver unless a test gives its own). */
export type ResolveAll = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: ResolveAll = (host) => lookup(host, { all: true, verbatim: true });

export interface DeliveryOptions {
  /** How long the receiver may stay silent before the attempt is given up (socket idle time). */
  timeoutMs?: number;
  resolve?: ResolveAll;
}

export async function postToWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  rules: TargetRules,
  options: DeliveryOptions = {},
): Promise<WebhookAttempt> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch (error) {
    return {
      kind: "retry",
      httpStatus: null,
      detail: `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    };
  }
  for (const { address } of addresses) {
    const problem = addressProblem(address, rules);
    if (problem !== null) return { kind: "rejected", httpStatus: null, detail: `${host} ${problem}` };
  }
  const chosen = addresses[0];
  if (chosen === undefined) return { kind: "retry", httpStatus: null, detail: `${host} has no address` };
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all === true) callback(null, [{ address: chosen.address, family: chosen.family }]);
    else callback(null, chosen.address, chosen.family);
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<WebhookAttempt>((resolve) => {
    const req = send(
      url,
      {
        method: "POST",
        lookup: pinned,
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        const kind = classifyStatus(status);
        resolve(
          kind === "delivered"
            ? { kind, httpStatus: status }
            : { kind, httpStatus: status, detail: `the receiver answered ${status}` },
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: "retry", httpStatus: null, detail: error.code ?? error.message.split("\n")[0] ?? "error" }),
    );
    req.end(body);
  });
}
